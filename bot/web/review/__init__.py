"""The evaluators' workspace under /review: the calls queue, a call with its review, blind
double review, import and export (calibration and analytics in insights.py)."""
