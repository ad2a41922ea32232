"""Units of figures and what a figure is once read: `Quantity`, `Indicator`, the unit table
(families and factors) and the words that may not follow a unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext

KINDS: tuple[str, ...] = ("target", "actual", "plan")
# What the verb of a figure says of the work it counts: "done" (完工/建成/竣工/交付/投用…),
# "started" (开工/开工建设/启动/在建/主体完工…), "pending" (未开工/尚未/正在办理…, or a step
# before the works: 招标/选址/立项/审批…),
# "planned" (a plan figure) or "" when the words say none of these ("新增就业1.2万人").
STAGES: tuple[str, ...] = ("done", "started", "pending", "planned", "")
# Why an indicator may be wrong (Indicator.doubt): the actual's subject differs from the
# target's, only the unit paired them, the actual is approximate, or its verb stage differs.
DOUBTS: tuple[str, ...] = ("subject", "unit_only", "approximate", "stage")


@dataclass(frozen=True)
class Quantity:
    """One figure read from ledger text.

    value is the number in the unit as written ("285万平方米" -> 285, unit 万平方米); 万/亿/千
    in front of a counter are folded into the number ("1.2万人" -> 12000, unit 人), because 万人
    is no unit. Use in_unit() to compare figures written in different units of one family.
    """

    subject: str  # readable name of what is counted: "新增供热覆盖面积", "改善供热质量"
    value: Decimal
    unit: str
    text: str  # the matched span of the input, 约/余/左右 included
    approximate: bool  # 约/近/余/多/左右/上下/以上/超过/逾/突破/基本, and ranges
    kind: str  # "target", "actual" or "plan"
    stage: str = ""  # one of STAGES
    high: Decimal | None = None  # the upper end of a range ("1.2万至1.5万人"); value is the lower

    def in_unit(self, unit: str) -> Decimal | None:
        """The value expressed in `unit` (1亿元 -> 10000 in 万元); None across families.

        A unit outside the reader's list is a family of its own.
        """
        mine, theirs = _UNITS.get(self.unit, (self.unit, 1)), _UNITS.get(unit, (unit, 1))
        if mine[0] != theirs[0]:
            return None
        return _plain(self.value * mine[1] / theirs[1])


@dataclass(frozen=True)
class Indicator:
    """A target figure and the actual matched to it, in the target's unit.

    percent is actual / target * 100 rounded half up to 0.1; None without an actual or when the
    target is 0. doubt is None for a solid match, else one code of DOUBTS saying why the
    bar could be wrong (a plain code: the dashboard puts it into words).
    """

    name: str
    target: Decimal
    actual: Decimal | None
    unit: str
    percent: Decimal | None
    doubt: str | None = None
    # The actual's own subject (for saying why a pairing may be wrong); equality ignores it.
    actual_name: str = field(default="", compare=False)


# unit -> (family, factor to the family's base). Counters are their own family, except that 名
# counts people like 人 and 床 counts beds like 张.
_UNITS: dict[str, tuple[str, int]] = {
    "亿元": ("money", 10**8), "万元": ("money", 10**4), "元": ("money", 1),
    "平方公里": ("area", 10**6), "万平方米": ("area", 10**4), "平方米": ("area", 1),
    "㎡": ("area", 1), "公顷": ("area", 10**4),
    "万亩": ("mu", 10**4), "亩": ("mu", 1),
    "公里": ("length", 1000), "千米": ("length", 1000), "米": ("length", 1),
    "万立方米": ("volume", 10**4), "立方米": ("volume", 1),
    "万吨": ("weight", 10**4), "吨": ("weight", 1),
    "万千瓦": ("power", 10**4), "千瓦": ("power", 1),
    "%": ("percent", 1), "人次": ("人次", 1), "人": ("人", 1), "名": ("人", 1),
    # Visits are counted each time: 件次, 家次, 户次 are units of their own, as 人次 is.
    "件次": ("件次", 1), "家次": ("家次", 1), "户次": ("户次", 1),
    "张": ("床", 1), "床": ("床", 1),
    **{counter: (counter, 1) for counter in "套个所座处条家台辆间项颗单件户"},
    **{counter: (counter, 1) for counter in "部盏块株棵口眼栋幢宗只册艘"},
    "成": ("percent", 10),  # 七成 = 70%; the reader writes it as %
}  # fmt: skip
# What may not follow a unit: "3个月" is a duration, "2台账" and "5项目" are other words.
_NOT_AFTER_UNIT: dict[str, tuple[str, ...]] = {
    "个": ("月", "工作日", "百分点", "名次", "位次", "小时", "季度", "“", '"', "‘"),
    "人": ("民",), "名": ("单", "称", "录", "额"), "家": ("属", "庭", "长", "园", "电"),
    "台": ("账", "阶"), "处": ("理", "置", "于"), "所": ("有", "在", "属"), "项": ("目",),
    "单": ("位", "价", "套", "元", "独"), "户": ("籍", "外"), "条": ("件", "例", "款"),
    "元": ("旦", "宵"), "座": ("谈",), "套": ("餐",), "间": ("隔",),
    "部": tuple("门署分委位件队长"), "口": tuple("气号子径岸价"), "块": ("钱",),
    "只": tuple("要有是能需"), "宗": ("教", "旨"), "眼": tuple("镜望看就"),
    "成": tuple("立员为效果本交功熟都就绩型品长"),
    # 千瓦时 is an energy, not the power 千瓦 counts.
    "千瓦": ("时",), "万千瓦": ("时",),
}  # fmt: skip
# 次 after a unit makes a count of times that is no unit (辆次, 亩次, 台次, 架次): the visits
# that are units (人次 件次 家次 户次) are in the table, and read before the shorter unit.
_NOT_AFTER_ANY_UNIT = ("次",)
_IDIOMS = ("一张网", "一张图", "一张蓝图", "一条龙", "一条心", "一家人")
_MULTIPLIERS = {"千": 1000, "万": 10**4, "亿": 10**8}


def _family(unit: str) -> str:
    """The family of a unit (money, area, 人, 个…); a unit outside the table is its own."""
    return _UNITS.get(unit, (unit, 1))[0]


def _plain(number: Decimal) -> Decimal:
    """A Decimal without exponent or trailing zeros: 12000, 1.2, 0.5, however many digits."""
    if number.as_tuple().exponent == 0 and number.adjusted() < 28:
        return number  # an integer as written (most figures): already plain, as is 12000
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    if not isinstance(exponent, int) or exponent <= 0:
        return normal
    with localcontext() as context:
        context.prec = len(normal.as_tuple().digits) + exponent
        return normal.quantize(Decimal(1))
