"""Column names as the inspection group's sheets write them (first: the canonical one)."""

from __future__ import annotations

PETITION_ALIASES: dict[str, list[str]] = {
    "case_no": ["受理编号", "编号", "信访编号", "举报编号", "案件编号", "受理号", "信访件编号"],
    "content": ["交办问题基本情况", "信访内容", "举报内容", "问题描述", "反映问题", "信访举报内容",
                "反映的主要问题", "主要内容", "反映内容"],
    "unit": ["行政区域", "所属区县", "所属区域", "区县", "县市区", "所属县市区", "属地"],
    "pollution_types": ["污染类型", "污染类别"],
    "key_case": ["是否重点件", "重点件", "是否重点"],
    "repeat": ["重复件", "是否重复", "是否重复件"],
    "repeat_of": ["重复关联件编号", "重复关联件", "关联件编号", "重复件编号"],
    "petitioner_name": ["信访人", "举报人", "信访人姓名", "举报人姓名"],
    "petitioner_phone": ["联系电话", "信访人电话", "举报人电话", "电话"],
    "petitioner_address": ["信访人地址", "联系地址", "地址", "住址"],
    "batch": ["批次", "转办批次", "批号"],
    "transfer_date": ["转办日期", "转办时间"],
    "method": ["受理方式"],
    "lead_unit": ["责任单位", "牵头责任单位", "牵头单位"],
    "coop_units": ["配合单位", "配合责任单位"],
    "assigned_date": ["交办时间", "交办日期"],
    "due_date": ["办理时限", "办结时限"],
    "target": ["办结目标"],
    "seq": ["序号"],
    "note": ["备注"],
}
