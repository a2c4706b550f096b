"""Demo data for the roster domain (used by `dutydesk init --demo`)."""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..refdata import get_setting, list_units
from ..store.db import Store
from . import dutylog, rotation, service
from . import shifts as shiftmod
from .people import add_person


def _titles(store: Store) -> list[str]:
    """Departments from the reference data (nothing city-specific here), with generic fallbacks."""
    depts = [u.name for u in list_units(store, kind="部门")][:5]
    return depts + ["市生态环境局", "市住建局", "市城管局", "市自然资源局", "市水利局"][len(depts):]


def fill(store: Store, today: dt.date) -> str:
    """Fill realistic demo records around ``today``; return a short Chinese summary."""
    if store.scalar("SELECT COUNT(*) FROM people"):
        return "值班表已有数据，未填入演示数据"
    env, build, city_mgmt, land, water = _titles(store)
    leaders = [("王建国", f"{env}副局长", "13907461001"), ("刘志强", "市政府副秘书长", "13907461002"),
               ("陈卫东", f"{env}党组成员", "13907461003")]
    officers = [("李明", f"{env}办公室", "13807462001"), ("赵丽", f"{env}法规科", "13807462002"),
                ("周小红", f"{city_mgmt}综合科", "13807462003"), ("蒋文斌", f"{build}办公室", "13807462004"),
                ("唐晓燕", f"{land}执法监察支队", "13807462005"), ("邓海波", f"{water}水政科", "0746-8221234")]
    with store.write():
        for name, title, phone in leaders:
            add_person(store, name, role="leader", title=title, phone=phone)
        for name, title, phone in officers:
            add_person(store, name, role="officer", title=title, phone=phone)
        start, end = today - dt.timedelta(days=10), today + dt.timedelta(days=20)
        rotation.generate(store, start, end, [n for n, _, _ in leaders], [n for n, _, _ in officers], per_day=2)
        first = shiftmod.shifts(store)[0]
        # A day edited by hand, a swap, and a leave that clashes with the roster (shown as 冲突).
        kickoff = service.get_slot(store, today - dt.timedelta(days=9), first.name)
        service.save_slot(store, kickoff.date, first.name, kickoff.leader.id if kickoff.leader else None,
                          [m.id for m in kickoff.members], note="督察组进驻动员会，全员在岗")
        a, b = (service.get_slot(store, today + dt.timedelta(days=n), first.name) for n in (2, 3))
        if a.members and b.members and a.members[0].id != b.members[0].id:
            service.swap(store, a.date, a.members[0].name, b.date, b.members[0].name, shift=first.name)
        away = service.get_slot(store, today + dt.timedelta(days=6), first.name)
        if away.members:
            service.add_leave(store, away.members[-1].name, away.date, away.date + dt.timedelta(days=2), "外出培训")
        # Yesterday's log, its handover, and today's log with the open item carried over.
        yday = today - dt.timedelta(days=1)
        begins = first.begins(yday)
        group = get_setting(store, "group")
        recorder = dutylog.default_recorder(store, yday, first.name)
        entries = [
            (50, "来电", group, "联络员", "", "通知明日上午9时召开督察进展调度会，请带班领导参加", "已报带班领导，按时参会", True),
            (400, "上级交办", "市协调联络组", "", "", "各县市区于18时前报送当日信访件办理进展", "请值班人员汇总后报督察组", True),
            (490, "来电", "零陵区", "区督察办", "0746-6221001", "第3批交办件涉及的养殖场整改需延期一天，请求协调",
             "请核实整改进展后报带班领导", False),
            (690, "会议", "市协调联络组", "", "", "每日调度会：通报当日信访件受理和办理情况", "", True),
        ]
        for minutes, kind, unit, who, phone, content, instruction, done in entries:
            dutylog.add_entry(store, yday, first.name, kind=kind, content=content,
                              at=begins + dt.timedelta(minutes=minutes), from_unit=unit, from_name=who,
                              from_phone=phone, instruction=instruction, recorder=recorder, done=done)
        handover = dutylog.write_handover(store, yday, first.name,
                                          "本班受理来电 2 条、上级交办 1 件；零陵区养殖场整改延期事项待核实，请下一班跟进。",
                                          by=recorder, at=first.begins(today) - dt.timedelta(minutes=5))
        dutylog.take_over(store, handover.id, by=dutylog.default_recorder(store, today, first.name),
                          at=first.begins(today) + dt.timedelta(minutes=5))
        dutylog.add_entry(store, today, first.name, kind="来电", at=first.begins(today) + dt.timedelta(minutes=35),
                          from_unit=env, from_name="监测科", content="今日空气质量监测数据已报送督察组",
                          recorder=dutylog.default_recorder(store, today, first.name), done=True)
    days = (end - start).days + 1
    return (f"值班人员 {len(leaders) + len(officers)} 人，值班表 {days} 天"
            f"（{dates.cn_date(start, year=False)}—{dates.cn_date(end, year=False)}），值班日志 5 条（1 项未办结），交接班 1 次")
