"""Demo data for the bulletin domain (used by `dutydesk init --demo`).

Two issued bulletins for the previous days and a draft for today, worded like the real ones;
names of the city, the inspection group and the counties come from the settings and units.
"""

from __future__ import annotations

import datetime as dt

from .. import dates, refdata
from ..store.db import Store
from . import service


def _counties(store: Store) -> list[str]:
    units = [u.name for u in refdata.list_units(store) if u.kind in ("县", "县级市", "区")]
    return units or [u.name for u in refdata.list_units(store)][:3]


def fill(store: Store, today: dt.date) -> str:
    """Fill realistic demo records around ``today``; return a short Chinese summary."""
    if store.scalar("SELECT COUNT(*) FROM bulletins"):
        return ""
    city = refdata.get_setting(store, "city") or "我市"
    group = refdata.get_setting(store, "group") or "督察组"
    short = group.replace("湖南省", "省") if group.startswith("湖南省") else group
    counties = _counties(store)
    d2, d1 = today - dt.timedelta(days=2), today - dt.timedelta(days=1)

    def md(day: dt.date) -> str:
        return dates.cn_date(day, year=False)

    issues = [
        (d2, [
            (f"{city}召开配合生态环境保护督察\n协调联络组第一次专题会议",
             f"{md(d2)}上午，{city}召开配合生态环境保护督察协调联络组第一次专题会议，安排部署相关工作。\n"
             "会议强调，要尽职负责做好协调联络工作，实行组长负责制，细化责任分工，加强协调配合；"
             "要进行集中办公，严格值班值守，确保督察工作顺利开展。"),
        ], [(counties[0], f"{md(d2)}，{counties[0]}召开配合督察工作动员会，传达贯彻省市部署会议精神，安排部署全县配合联络工作。")]),
        (d1, [
            (f"{short}督察{city}\n工作动员会召开",
             f"{md(d1)}，{short}督察{city}工作动员会召开，督察组组长就做好督察工作讲话，市委主要负责同志作动员讲话。\n"
             "会议要求，坚持边督边改，突出照单全收主动改、动真碰硬从严改、举一反三全面改，扎实抓好突出问题整改落实。"),
            (f"{city}生态环境问题整改调度会召开",
             f"{md(d1)}下午，{city}召开生态环境问题整改调度会，逐一调度未销号问题整改进展。\n"
             "会议强调，对未销号的问题，要一案一策、倒排工期、紧盯不放；对已完成整改的问题，要全面开展“回头看”，"
             "坚决防止虚假整改和反弹回潮。"),
        ], [(c, f"{md(d1)}，{c}成立配合督察工作专班，实行集中办公，对交办问题建立台账、逐项销号。")
            for c in counties[1:3]]),
    ]
    for day, news, county in issues:
        for title, body in news:
            service.add_item(store, day, kind="news", title=title, body=body)
        for unit, body in county:
            service.add_item(store, day, kind="county", unit=unit, body=body)
        service.issue(store, day)
    service.add_item(store, today, kind="news", title=f"{city}开展信访件办理情况现场核查",
                     body=f"{md(today)}，{city}协调联络组现场核查组分赴有关县区，对转办信访件办理情况开展现场核查，"
                          "督促责任单位按时限办结、及时回复。\n核查组要求，坚持立行立改，做到件件有着落、事事有回音。")
    if len(counties) > 3:
        service.add_item(store, today, kind="county", unit=counties[3],
                         body=f"{md(today)}，{counties[3]}召开督察交办件办理推进会，逐件过堂、压实责任。")
    return "工作简报 2 期已签发，今日草稿 1 份"
