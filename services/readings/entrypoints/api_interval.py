"""Interval (hourly) profiles of legal entities: template, upload, list, delete, staff review."""

from __future__ import annotations

from decimal import Decimal

from kabinet.readings.v1 import readings_pb2 as pb

from kit.context import require_caller
from services.readings.domain.interval_grid import days_in
from services.readings.service_layer import interval
from services.readings.service_layer.interval import Shown


class IntervalRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments)."""

    def GetIntervalTemplate(self, request, context):
        file = interval.template(self.uow(), self.accounts, user_id=require_caller().user_id,
                                 account_id=request.account_id, meter_id=request.meter_id, period=request.period)
        return pb.IntervalFile(filename=file.filename, content_type=file.content_type, content=file.content)

    def SubmitIntervalProfile(self, request, context):
        shown = interval.submit(self.uow(), self.accounts, user_id=require_caller().user_id,
                                account_id=request.account_id, meter_id=request.meter_id, period=request.period,
                                mode=request.mode, content=request.content)
        return profile_pb(shown, with_values=True)

    def ListIntervalProfiles(self, request, context):
        shown = interval.list_profiles(
            self.uow(), self.accounts, self.accounts, user_id=require_caller().user_id,
            account_id=request.account_id, meter_id=request.meter_id, period=request.period,
            contract=request.contract, status=request.status, page_size=request.page_size)
        return pb.ListIntervalProfilesReply(profiles=[profile_pb(s) for s in shown])

    def GetIntervalProfile(self, request, context):
        return profile_pb(interval.get_profile(self.uow(), self.accounts, **_ids(request)), with_values=True)

    def DeleteIntervalProfile(self, request, context):
        return profile_pb(interval.delete_profile(self.uow(), self.accounts, **_ids(request)))

    def StaffAcceptIntervalProfile(self, request, context):
        return profile_pb(interval.staff_decide(self.uow(), require_caller(), profile_id=request.profile_id,
                                                accept=True, reason=request.reason))

    def StaffRejectIntervalProfile(self, request, context):
        return profile_pb(interval.staff_decide(self.uow(), require_caller(), profile_id=request.profile_id,
                                                accept=False, reason=request.reason))

    def StaffListIntervalProfiles(self, request, context):
        shown = interval.staff_list(self.uow(), require_caller(), supplier_id=request.supplier_id,
                                    status=request.status, period=request.period, page_size=request.page_size)
        return pb.ListIntervalProfilesReply(profiles=[profile_pb(s) for s in shown])


def _ids(request) -> dict:
    return dict(user_id=require_caller().user_id, account_id=request.account_id, meter_id=request.meter_id,
                profile_id=request.profile_id)


def _text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}"


def profile_pb(shown: Shown, *, with_values: bool = False) -> pb.IntervalProfile:
    p = shown.profile
    msg = pb.IntervalProfile(
        profile_id=p.profile_id, account_id=p.account_id, meter_id=p.meter_id, period=f"{p.period:%Y-%m}",
        mode=p.mode, status=p.status, total_kwh=_text(p.total), integral_kwh=_text(shown.integral),
        delta_kwh=_text(shown.delta), ratio=_text(p.ratio), hours=p.hours, submitted_by=p.submitted_by,
        reason=p.reason or "")
    msg.submitted_at.FromDatetime(p.submitted_at)
    if p.decided_at:
        msg.decided_at.FromDatetime(p.decided_at)
    if with_values and p.values:
        for day in range(days_in(p.period)):
            msg.days.add(date=f"{p.period.replace(day=day + 1):%Y-%m-%d}",
                         values=[f"{v:f}" for v in p.values[day * 24:(day + 1) * 24]])
    return msg
