"""The auth gRPC API: translates messages to handler calls and back."""

from __future__ import annotations

from kabinet.auth.v1 import auth_pb2 as pb
from kabinet.auth.v1 import auth_pb2_grpc as pb_grpc

from kit.context import caller, require_caller
from services.auth.domain.passwords import MAX_LENGTH, MIN_LENGTH, RULES
from services.auth.service_layer import handlers, profile, recovery, registration, staff
from services.auth.service_layer.challenges import Context

PROFILE_FIELDS = ("surname", "first_name", "patronymic", "contact_phone", "marketing_consent", "login")


def _started(reply_class, started, id_field: str | None = None):
    values = {"code_ttl_seconds": started.ttl_seconds, "resend_after_seconds": started.resend_after_seconds}
    if id_field:
        values[id_field] = started.challenge_id
    if "channel" in reply_class.DESCRIPTOR.fields_by_name:
        values["channel"] = started.channel
    return reply_class(**values)


class AuthServicer(pb_grpc.AuthServicer):
    def __init__(self, uow_factory, ctx: Context, social=None) -> None:
        self.uow = uow_factory
        self.ctx = ctx
        self.social = social

    # registration
    def Register(self, request, context):
        started = registration.register(
            self.uow(), self.ctx, phone=request.phone, email=request.email, password=request.password,
            terms_version=request.terms_version, marketing_consent=request.marketing_consent,
            kind=request.kind, login=request.login)
        return _started(pb.RegisterReply, started, "registration_id")

    def ConfirmContact(self, request, context):
        done = registration.confirm_contact(self.uow(), self.ctx, registration_id=request.registration_id,
                                            code=request.code)
        return pb.ConfirmContactReply(onboarding_required=done.onboarding_required, login_taken=done.login_taken)

    def ConfirmLink(self, request, context):
        done = registration.confirm_link(self.uow(), self.ctx, token=request.token)
        return pb.ConfirmLinkReply(purpose=done.purpose, onboarding_required=done.onboarding_required,
                                   login_taken=done.login_taken)

    def ResendCode(self, request, context):
        return _started(pb.ResendCodeReply, registration.resend_code(self.uow(), self.ctx,
                                                                     challenge_id=request.registration_id))

    def GetPasswordRules(self, request, context):
        return pb.PasswordRules(rules=[pb.PasswordRule(code=r.code, title=r.title, pattern=r.pattern) for r in RULES],
                                min_length=MIN_LENGTH, max_length=MAX_LENGTH)

    # sign-in and sessions
    def Login(self, request, context):
        return handlers.login(self.uow(), identifier=request.identifier, password=request.password,
                              remember_me=request.remember_me, device=request.device, ip=request.ip)

    def Refresh(self, request, context):
        return handlers.refresh(self.uow(), refresh_token=request.refresh_token, ip=request.ip)

    def Logout(self, request, context):
        current = caller()
        handlers.logout(self.uow(), refresh_token=request.refresh_token,
                        session_id=current.session_id if current else "")
        return pb.LogoutReply()

    def LogoutAll(self, request, context):
        return pb.LogoutAllReply(sessions_ended=handlers.logout_all(self.uow(), require_caller()))

    def ListSessions(self, request, context):
        return handlers.list_sessions(self.uow(), require_caller())

    def RevokeSession(self, request, context):
        handlers.revoke_session(self.uow(), require_caller(), request.session_id)
        return pb.RevokeSessionReply()

    # recovery
    def StartRecovery(self, request, context):
        return _started(pb.StartRecoveryReply, recovery.start_recovery(self.uow(), self.ctx,
                                                                       identifier=request.identifier), "recovery_id")

    def CompleteRecovery(self, request, context):
        recovery.complete_recovery(self.uow(), self.ctx, recovery_id=request.recovery_id, code=request.code,
                                   link_token=request.link_token, new_password=request.new_password)
        return pb.CompleteRecoveryReply()

    # profile
    def GetProfile(self, request, context):
        return profile.profile(self.uow(), require_caller())

    def UpdateProfile(self, request, context):
        changes = {f: getattr(request, f) for f in PROFILE_FIELDS if request.HasField(f)}
        return profile.update_profile(self.uow(), require_caller(), changes)

    def ChangePassword(self, request, context):
        ended = profile.change_password(self.uow(), require_caller(), old_password=request.old_password,
                                        new_password=request.new_password,
                                        end_other_sessions=request.end_other_sessions)
        return pb.ChangePasswordReply(sessions_ended=ended)

    def StartContactChange(self, request, context):
        started = profile.start_contact_change(self.uow(), self.ctx, require_caller(), channel=request.channel,
                                               value=request.value, password=request.password)
        return _started(pb.StartContactChangeReply, started, "change_id")

    def ConfirmContactChange(self, request, context):
        return profile.confirm_contact_change(self.uow(), self.ctx, require_caller(), change_id=request.change_id,
                                              code=request.code)

    def ResendEmailConfirmation(self, request, context):
        return _started(pb.ResendCodeReply, profile.resend_email_confirmation(self.uow(), self.ctx,
                                                                              require_caller()))

    # social sign-in
    def ListIdentityProviders(self, request, context):
        return self._social().list_providers()

    def StartSocialLogin(self, request, context):
        return self._social().start(self.uow(), caller(), provider=request.provider,
                                    redirect_uri=request.redirect_uri, purpose=request.purpose or "sign_in")

    def CompleteSocialLogin(self, request, context):
        return self._social().complete(self.uow(), caller(), state=request.state, code=request.code,
                                       remember_me=request.remember_me, device=request.device, ip=request.ip)

    def ListSocialIdentities(self, request, context):
        return self._social().list_identities(self.uow(), require_caller())

    def UnlinkSocialIdentity(self, request, context):
        self._social().unlink(self.uow(), require_caller(), request.identity_id)
        return pb.UnlinkSocialIdentityReply()

    def _social(self):
        from services.auth.service_layer.social import SocialSignIn

        return self.social or SocialSignIn({})

    # staff
    def StaffLogin(self, request, context):
        return staff.staff_login(self.uow(), self.ctx, login=request.login, password=request.password,
                                 totp_code=request.totp_code, device=request.device, ip=request.ip)

    # keys
    def GetSigningKeys(self, request, context):
        return pb.SigningKeys(jwks_json=handlers.jwks(self.uow()))
