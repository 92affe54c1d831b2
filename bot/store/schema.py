"""Our tables: the system of record for calls and grades (Rasa's tracker store stays Rasa's).

Times are naive UTC. Alembic migrations under bot/store/migrations create and change these
tables; this module is what the code reads and writes.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
mapper_registry = registry(metadata=metadata)


class Base(metaclass=DeclarativeMeta):
    """declarative_base(metadata=metadata), written as a class so type checkers see one."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


ROLES = ("trainee", "trainer", "evaluator", "admin")


def utcnow() -> datetime:
    return datetime.utcnow()  # microseconds kept: rings are measured from created_at


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    password_hash = sa.Column(sa.String(255), nullable=False)
    role = sa.Column(sa.String(16), nullable=False)
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    # Bumped at logout, password or role change and disabling: older session cookies stop working.
    session_epoch = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")


class LoginFailure(Base):
    """One failed login; recent rows throttle further attempts (shared by every web replica)."""

    __tablename__ = "login_failures"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, index=True)
    address = sa.Column(sa.String(64), nullable=False, index=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)


class Setting(Base):
    __tablename__ = "settings"
    key = sa.Column(sa.String(64), primary_key=True)
    value = sa.Column(sa.Text, nullable=False)


class Call(Base):
    __tablename__ = "calls"
    id = sa.Column(sa.String(40), primary_key=True)
    conversation_id = sa.Column(sa.String(64), nullable=False, index=True)  # Rasa's sender id
    source = sa.Column(sa.String(16), nullable=False)  # widget | rest | chat | import
    real_call = sa.Column(sa.Boolean, nullable=False, default=False)  # an imported real phone call
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True, index=True)
    browser_id = sa.Column(sa.String(64), nullable=True, index=True)  # anonymous open practice owner
    trainee = sa.Column(sa.String(64), nullable=False, default="")
    persona = sa.Column(sa.String(64), nullable=False, default="")
    seed = sa.Column(sa.Integer, nullable=True)
    direction = sa.Column(sa.String(8), nullable=False)
    call_date = sa.Column(sa.Date, nullable=True)  # the day the customer lives in (resolves 周六)
    status = sa.Column(sa.String(12), nullable=False, index=True)  # ringing | live | ended | missed
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    answered_at = sa.Column(sa.DateTime, nullable=True)
    ended_at = sa.Column(sa.DateTime, nullable=True)
    last_active_at = sa.Column(sa.DateTime, nullable=True)  # the last turn; idle live calls are ended
    hangup_by = sa.Column(sa.String(16), nullable=True)  # customer | trainee
    end_reason = sa.Column(sa.String(32), nullable=True)
    rings = sa.Column(sa.Integer, nullable=True)
    call_info = sa.Column(sa.JSON, nullable=True)  # the transcript's `call:` (company, address, ...)
    customer_state = sa.Column(sa.JSON, nullable=True)  # bot.customer.state.CallState at the end

    turns = relationship("TurnRow", order_by="TurnRow.n", cascade="all, delete-orphan")
    scorecards = relationship("ScorecardRow", order_by="ScorecardRow.id", cascade="all, delete-orphan")
    record_card = relationship("RecordCardRow", uselist=False, cascade="all, delete-orphan")
    reviews = relationship("Review", order_by="Review.id", cascade="all, delete-orphan")


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (sa.UniqueConstraint("call_id", "n", name="uq_turns_call_id_n"),)
    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.String(40), sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False, index=True)
    n = sa.Column(sa.Integer, nullable=False)  # 1-based over both speakers, as in the transcript
    speaker = sa.Column(sa.String(10), nullable=False)
    text = sa.Column(sa.Text, nullable=False)


class ScorecardRow(Base):
    """One grading of a call. A re-grade under a new rubric adds a row and becomes current."""

    __tablename__ = "scorecards"
    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.String(40), sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False, index=True)
    rubric_version = sa.Column(sa.String(32), nullable=False)
    graded_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    score = sa.Column(sa.Integer, nullable=False)
    max_score = sa.Column(sa.Integer, nullable=False)
    current = sa.Column(sa.Boolean, nullable=False, default=True)

    criteria = relationship("CriterionRow", order_by="CriterionRow.position", cascade="all, delete-orphan")


class CriterionRow(Base):
    __tablename__ = "criterion_results"
    id = sa.Column(sa.Integer, primary_key=True)
    scorecard_id = sa.Column(sa.Integer, sa.ForeignKey("scorecards.id", ondelete="CASCADE"), nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False)
    criterion = sa.Column(sa.String(32), nullable=False)
    passed = sa.Column(sa.Boolean, nullable=False)
    points = sa.Column(sa.Integer, nullable=False)
    max_points = sa.Column(sa.Integer, nullable=False)
    evidence_turns = sa.Column(sa.JSON, nullable=False)  # {turn, start, end, rule} per quote (old rows: turn numbers)
    feedback = sa.Column(sa.Text, nullable=False)


class RecordCardRow(Base):
    __tablename__ = "record_cards"
    call_id = sa.Column(sa.String(40), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    card = sa.Column(sa.JSON, nullable=False)  # what the trainee wrote
    result = sa.Column(sa.JSON, nullable=False)  # the field-by-field check
    correct = sa.Column(sa.Integer, nullable=False)
    total = sa.Column(sa.Integer, nullable=False)
    submitted_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class Review(Base):
    """One person's word on one criterion of a call.

    kind `verdict`: an evaluator's reviewed verdict (the automatic one stays beside it; a comment
    is required where they differ); `blind`: a verdict given in blind double review, without
    seeing the grader or the other evaluator; `dispute`: the trainee contests the verdict shown.
    """

    __tablename__ = "reviews"
    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.String(40), sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False, index=True)
    criterion = sa.Column(sa.String(32), nullable=False)
    kind = sa.Column(sa.String(16), nullable=False)  # verdict | blind | dispute
    passed = sa.Column(sa.Boolean, nullable=True)  # the human verdict (not for disputes)
    comment = sa.Column(sa.Text, nullable=False)
    author_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class Assignment(Base):
    """A call given to an evaluator for blind review (by an admin)."""

    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("call_id", "evaluator_id", name="uq_assignments_call_id_evaluator_id"),)
    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.String(40), sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False)
    evaluator_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    assigned_by = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    done_at = sa.Column(sa.DateTime, nullable=True)
