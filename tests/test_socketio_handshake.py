"""The pinned socket.io browser client (bot/web/static/vendor) against Rasa's socketio channel."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.servers

HANDSHAKE = """async ([url, transport, persona, message]) => await new Promise((resolve, reject) => {
  const session = "handshake-" + transport + "-" + Math.random().toString(16).slice(2);
  const socket = io(url, { path: "/socket.io", transports: [transport], reconnection: false });
  const seen = { session, transport: null, confirmed: null, bot: [] };
  socket.on("connect", () => {
    seen.transport = socket.io.engine.transport.name;
    socket.emit("session_request", { session_id: session });
  });
  socket.on("session_confirm", (id) => {
    seen.confirmed = id;
    socket.emit("user_uttered", { message, session_id: session, metadata: { persona } });
  });
  socket.on("bot_uttered", (data) => { seen.bot.push(data); socket.disconnect(); resolve(seen); });
  socket.on("connect_error", (error) => reject(new Error("connect_error: " + error.message)));
  setTimeout(() => reject(new Error("no answer: " + JSON.stringify(seen))), 30000);
})"""


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_session_handshake_and_a_custom_payload_reach_the_browser(page, servers, transport):
    page.goto(servers.web_url)  # another origin than Rasa's, as in an embedding page
    page.wait_for_function("window.io !== undefined")
    seen = page.evaluate(HANDSHAKE, [servers.rasa_url, transport, "car_showroom_inbound", "/start_call"])
    assert seen["transport"] == transport
    assert seen["confirmed"] == seen["session"]
    # An inbound call starts ringing: a custom payload, which stock Rasa 3.6 socketio can't send.
    assert seen["bot"][0] == {"custom": {"event": "ringing", "persona": "car_showroom_inbound"}}


def test_an_outbound_customer_answers_in_text(page, servers):
    page.goto(servers.web_url)
    page.wait_for_function("window.io !== undefined")
    seen = page.evaluate(HANDSHAKE, [servers.rasa_url, "websocket", "truck_followup_outbound", "/start_call"])
    assert seen["bot"][0]["text"]  # "喂，哪位？"


@pytest.mark.parametrize("message, reason", [("   ", "empty_message"), ("好" * 2001, "message_too_long")])
def test_empty_and_huge_messages_get_a_reason_not_a_confused_customer(page, servers, message, reason):
    page.goto(servers.web_url)
    page.wait_for_function("window.io !== undefined")
    seen = page.evaluate(HANDSHAKE, [servers.rasa_url, "websocket", "car_showroom_inbound", message])
    assert seen["bot"] == [{"custom": {"event": "error", "reason": reason}}]
