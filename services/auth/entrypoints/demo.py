"""Demo data (dev and test profiles): one active customer who can sign in at once."""

from __future__ import annotations

from kit.demo import demo_data
from services.auth.adapters import crypto
from services.auth.domain.users import User


def load_demo(rt) -> None:
    demo = demo_data(rt.config)["demo_user"]
    with rt.uow() as uow:
        if uow.users.get(demo["user_id"]) is None:
            uow.users.add(User(user_id=demo["user_id"], kind=demo["kind"], status="active", phone=demo["phone"],
                               password_hash=crypto.hash_password(demo["password"]), terms_version="demo"))
            uow.commit()
