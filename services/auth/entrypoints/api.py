"""The auth gRPC API: request messages to use-case calls, domain results to reply messages."""

from __future__ import annotations

from kabinet.auth.v1 import auth_pb2 as pb
from kabinet.auth.v1 import auth_pb2_grpc as pb_grpc
from prometheus_client import Counter

from kit.context import caller, require_caller
from kit.metrics import count_refusal
from services.auth.domain.challenges import Started
from services.auth.entrypoints import messages
from services.auth.entrypoints.partners import PartnerRpcs
from services.auth.entrypoints.sms import SmsRpcs
from services.auth.service_layer import (
    challenges,
    contact_change,
    keys,
    links,
    profile,
    recovery,
    registration,
    sessions,
    sign_in,
    staff,
)
from services.auth.service_layer.context import Context
from services.auth.service_layer.social import SocialSignIn

PROFILE_FIELDS = ("surname", "first_name", "patronymic", "contact_phone", "marketing_consent", "login")

REGISTRATIONS = Counter("kabinet_auth_registrations_total",
                        "Registration steps (start, confirm) by outcome (success, failure: refused by a rule)",
                        ["step", "outcome"])
SIGN_INS = Counter("kabinet_auth_sign_ins_total",
                   "Sign-ins by method (password, step_up_code, social, staff) and outcome "
                   "(success, step_up: a code is asked first, failure: refused by a rule)", ["method", "outcome"])


class AuthServicer(PartnerRpcs, SmsRpcs, pb_grpc.AuthServicer):
    def __init__(self, uow_factory, ctx: Context, social: SocialSignIn | None = None) -> None:
        self.uow = uow_factory
        self.ctx = ctx
        self.social = social or SocialSignIn({})

    # registration
    def Register(self, request, context):
        with count_refusal(REGISTRATIONS.labels("start", "failure")):
            started = registration.register(
                self.uow(), self.ctx, phone=request.phone, email=request.email, password=request.password,
                terms_accepted=request.terms_accepted, marketing_consent=request.marketing_consent,
                kind=request.kind, login=request.login)
        REGISTRATIONS.labels("start", "success").inc()
        return messages.started(pb.RegisterReply, started, "registration_id")

    def ConfirmContact(self, request, context):
        with count_refusal(REGISTRATIONS.labels("confirm", "failure")):
            done = registration.confirm_contact(self.uow(), self.ctx, registration_id=request.registration_id,
                                                code=request.code)
        REGISTRATIONS.labels("confirm", "success").inc()
        return pb.ConfirmContactReply(onboarding_required=done.onboarding_required, login_taken=done.login_taken)

    def ConfirmLink(self, request, context):
        done = links.confirm_link(self.uow(), self.ctx, token=request.token)
        if done.purpose == "registration":
            REGISTRATIONS.labels("confirm", "success").inc()
        return pb.ConfirmLinkReply(purpose=done.purpose, onboarding_required=done.onboarding_required,
                                   login_taken=done.login_taken)

    def ResendCode(self, request, context):
        started = challenges.resend_code(self.uow(), self.ctx, challenge_id=request.registration_id)
        return messages.started(pb.ResendCodeReply, started)

    def GetPasswordRules(self, request, context):
        return messages.password_rules()

    # sign-in and sessions
    def Login(self, request, context):
        with count_refusal(SIGN_INS.labels("password", "failure")):
            result = sign_in.login(
                self.uow(), self.ctx, identifier=request.identifier, password=request.password,
                remember_me=request.remember_me, device=request.device, ip=request.ip)
        SIGN_INS.labels("password", "step_up" if isinstance(result, Started) else "success").inc()
        return messages.sign_in(result)

    def CompleteLoginStepUp(self, request, context):
        with count_refusal(SIGN_INS.labels("step_up_code", "failure")):
            pair = sign_in.complete_step_up(
                self.uow(), self.ctx, step_up_id=request.step_up_id, code=request.code,
                remember_me=request.remember_me, device=request.device, ip=request.ip)
        SIGN_INS.labels("step_up_code", "success").inc()
        return messages.token_pair(pair)

    def StepUp(self, request, context):
        with count_refusal(SIGN_INS.labels("step_up_password", "failure")):
            result = sign_in.confirm_password(self.uow(), self.ctx, require_caller(), password=request.password)
        SIGN_INS.labels("step_up_password", "step_up" if isinstance(result, Started) else "success").inc()
        return messages.sign_in(result)

    def Refresh(self, request, context):
        return messages.token_pair(sessions.refresh(self.uow(), refresh_token=request.refresh_token, ip=request.ip))

    def Logout(self, request, context):
        current = caller()
        ended = sessions.logout(self.uow(), refresh_token=request.refresh_token,
                                session_id=current.session_id if current else "")
        return messages.ended(pb.LogoutReply, ended)

    def LogoutAll(self, request, context):
        ended = sessions.logout_all(self.uow(), require_caller())
        return messages.ended(pb.LogoutAllReply, ended, sessions_ended=len(ended))

    def ListSessions(self, request, context):
        current = require_caller()
        return messages.session_list(sessions.list_sessions(self.uow(), current), current.session_id)

    def RevokeSession(self, request, context):
        ended = sessions.revoke_session(self.uow(), require_caller(), request.session_id)
        return messages.ended(pb.RevokeSessionReply, ended)

    # recovery
    def StartRecovery(self, request, context):
        started = recovery.start_recovery(self.uow(), self.ctx, identifier=request.identifier)
        return messages.started(pb.StartRecoveryReply, started, "recovery_id")

    def CompleteRecovery(self, request, context):
        ended = recovery.complete_recovery(self.uow(), self.ctx, recovery_id=request.recovery_id, code=request.code,
                                           link_token=request.link_token, new_password=request.new_password)
        return messages.ended(pb.CompleteRecoveryReply, ended)

    # profile
    def GetProfile(self, request, context):
        return messages.profile(profile.profile(self.uow(), require_caller()))

    def UpdateProfile(self, request, context):
        changes = {f: getattr(request, f) for f in PROFILE_FIELDS if request.HasField(f)}
        return messages.profile(profile.update_profile(self.uow(), require_caller(), changes))

    def ChangePassword(self, request, context):
        ended = profile.change_password(self.uow(), require_caller(), old_password=request.old_password,
                                        new_password=request.new_password,
                                        end_other_sessions=request.end_other_sessions)
        return messages.ended(pb.ChangePasswordReply, ended, sessions_ended=len(ended))

    def StartContactChange(self, request, context):
        started = contact_change.start_contact_change(
            self.uow(), self.ctx, require_caller(), channel=request.channel, value=request.value,
            password=request.password)
        return messages.started(pb.StartContactChangeReply, started, "change_id")

    def ConfirmContactChange(self, request, context):
        return messages.profile(contact_change.confirm_contact_change(
            self.uow(), self.ctx, require_caller(), change_id=request.change_id, code=request.code))

    def ResendEmailConfirmation(self, request, context):
        started = contact_change.resend_email_confirmation(self.uow(), self.ctx, require_caller())
        return messages.started(pb.ResendCodeReply, started)

    # social sign-in
    def ListIdentityProviders(self, request, context):
        return messages.providers(self.social.list_providers())

    def StartSocialLogin(self, request, context):
        started = self.social.start(self.uow(), caller(), provider=request.provider,
                                    redirect_uri=request.redirect_uri, purpose=request.purpose or "sign_in")
        return pb.StartSocialLoginReply(authorization_url=started.authorization_url, state=started.state)

    def CompleteSocialLogin(self, request, context):
        with count_refusal(SIGN_INS.labels("social", "failure")):
            done = self.social.complete(self.uow(), caller(), state=request.state, code=request.code,
                                        remember_me=request.remember_me, device=request.device, ip=request.ip)
        if done.purpose == "link":
            return pb.CompleteSocialLoginReply(purpose="link", linked=messages.social_identity(done.linked))
        SIGN_INS.labels("social", "success").inc()
        return pb.CompleteSocialLoginReply(purpose="sign_in", tokens=messages.token_pair(done.tokens))

    def ListSocialIdentities(self, request, context):
        identities = self.social.list_identities(self.uow(), require_caller())
        return pb.SocialIdentityList(identities=[messages.social_identity(i) for i in identities])

    def UnlinkSocialIdentity(self, request, context):
        self.social.unlink(self.uow(), require_caller(), request.identity_id)
        return pb.UnlinkSocialIdentityReply()

    # staff
    def StaffLogin(self, request, context):
        with count_refusal(SIGN_INS.labels("staff", "failure")):
            pair = staff.staff_login(
                self.uow(), self.ctx, login=request.login, password=request.password, totp_code=request.totp_code,
                device=request.device, ip=request.ip)
        SIGN_INS.labels("staff", "success").inc()
        return messages.token_pair(pair)

    # keys
    def GetSigningKeys(self, request, context):
        return pb.SigningKeys(jwks_json=keys.jwks(self.uow()))
