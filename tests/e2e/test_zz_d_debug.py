import uuid
from sqlalchemy import text
from bot.db import build_engine
from tests.e2e.test_handoff_roundtrip import expire_session, queue_entry, texts

def test_debug(haven, console_headers):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "can I talk to a real person please")
    expire_session(haven, f"rest:{sender}")
    print("HELLO", haven.say(sender, "hello"))
    print("RISK", haven.say(sender, "he's broken in and has a knife, he's going to kill me"))
    engine = build_engine(haven.env["DATABASE_URL"])
    with engine.begin() as c:
        rows = c.execute(text("SELECT id, type_name, action_name, intent_name, timestamp FROM events WHERE sender_id=:s ORDER BY id"), {"s": f"rest:{sender}"}).all()
    for r in rows: print(r)
