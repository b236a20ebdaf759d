"""Demo data (dev and test profiles): one active customer who can sign in at once."""

from __future__ import annotations

from kit.demo import demo_data
from services.auth.adapters import crypto


def load_demo(rt) -> None:
    user = demo_data(rt.config)["demo_user"]
    with rt.uow() as uow:
        if uow.auth.user(user["user_id"]) is None:
            uow.auth.add_user(user_id=user["user_id"], kind=user["kind"], status="active", phone=user["phone"],
                              password_hash=crypto.hash_password(user["password"]), terms_version="demo",
                              marketing_consent=False)
            uow.commit()
