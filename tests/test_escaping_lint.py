"""Every text that reaches a Markdown-interpreting Streamlit call goes through `views.common.plain`.

A lint-style check on the source of app.py and views/*.py (no NocoDB needed): for each call that renders
its text as Markdown (st.markdown, st.caption, st.error…, titles, expander/tab/metric labels, widget labels
and their help), every argument must be text the code itself wrote: a string literal, an f-string or a
concatenation whose every interpolated value is escaped (`plain(...)`) or cannot hold text (a count, a date),
a module constant, a local variable assigned only such values, or the result of one of the few functions
listed in ESCAPED that build already-escaped Markdown. Anything else (a row's field, a parameter, str(error))
is refused with its file and line, and so is any raw HTML (st.html, unsafe_allow_html). `header`-like
helpers that take Markdown are sinks too (SINK_HELPERS): their call sites are checked, and inside them their
Markdown parameters are trusted. Module constants (UPPER_CASE) and enum members are text the code wrote.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from settings import ROOT

# Streamlit calls whose first argument (or `body`/`label`) is rendered as Markdown; `help` is Markdown too.
MARKDOWN_CALLS = frozenset(
    [
        "markdown",
        "write",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "toast",
        "title",
        "header",
        "subheader",
        "expander",
        "metric",
        "page_link",
        "button",
        "download_button",
        "form_submit_button",
        "link_button",
        "popover",
        "checkbox",
        "toggle",
        "radio",
        "pills",
        "segmented_control",
        "selectbox",
        "multiselect",
        "text_input",
        "text_area",
        "number_input",
        "date_input",
        "time_input",
        "slider",
        "select_slider",
        "file_uploader",
        "color_picker",
    ]
)
TEXT_ARGUMENTS = ("body", "label", "help")
# Functions that return Markdown in which every value from NocoDB is already escaped.
ESCAPED = frozenset(
    {
        "plain",  # views.common: the escaping helper itself
        "error_message",  # views.common: fixed French advice, then the error's detail through plain()
        "problems_markdown",  # views.common: the refused values, every cell through plain(), as the role may see them
        "freshness_text",  # views.common: « Lu il y a 3 s » and the banner, times written by the code
        "rows_text",  # views.paging: « 1–50 sur 120 patients »: numbers and a noun written in the code
        "condition_help",  # views.pathways: the help on the « Condition » column, written in the code
        "late_line",  # views.project: « - **N. title** : … » with the title through plain()
        "action_label",  # views.project: « N. title », escaped with plain()
        "title",  # views.waiting_list, views.doctors: a field's French title, from schema/models.py
    }
)
# Values that cannot hold Markdown when interpolated: numbers, dates, and the French formats of those.
NOT_TEXT = frozenset({"len", "int", "round", "sum", "number", "euros", "day", "percent", "today", "now"})
# Project helpers that render their Markdown parameters: checked where called, trusted inside.
# (The problems themselves are rendered by problems_markdown; `show_problems`'s second parameter is Markdown.)
SINK_HELPERS = {
    "header": ("title", "caption"),
    "show_problems": ("", "consequence"),
    "flash": ("message",),  # views.desk_common: shown on the next run by show_flash
    "written": ("message",),  # views.follow_ups: flash() after a write
    "year_picker": ("label",),
    "noted": ("", "label"),  # views.metrics: a figure with a note
}
# Functions not checked inside, and why (their inputs are checked where they are called, or they are not ours).
UNCHECKED = {
    "show_flash": "shows the message `flash` stored in the session; flash's call sites are checked",
    "show_problems": "table titles from schema/models.py, the values through problems_markdown",
}
# A format spec of these types fails on a str: the value is a number or a date (« {year:d} », « {d:%d/%m} »).
NOT_TEXT_FORMATS = tuple("dnfeEgGxX%")
SOURCES = [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]


@dataclass(frozen=True)
class Finding:
    where: str
    line: int
    code: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.code}"


def called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def text_arguments(call: ast.Call) -> Iterator[ast.expr]:
    """The arguments of `call` rendered as Markdown, if it is such a call."""
    name = called_name(call)
    if name in SINK_HELPERS:
        markdown = SINK_HELPERS[name]
        yield from (a for a, p in zip(call.args, markdown, strict=False) if p)
        yield from (k.value for k in call.keywords if k.arg in markdown)
    elif name == "tabs" and call.args:
        tabs = call.args[0]
        yield from tabs.elts if isinstance(tabs, (ast.List, ast.Tuple)) else [tabs]
    elif name in MARKDOWN_CALLS and isinstance(call.func, ast.Attribute) and not is_our_module(call.func.value):
        if call.args and name != "page_link":
            yield call.args[0]
        yield from (k.value for k in call.keywords if k.arg in TEXT_ARGUMENTS)


def is_our_module(receiver: ast.expr) -> bool:
    """`paging.caption(...)`: a function of one of our modules, not Streamlit's."""
    return isinstance(receiver, ast.Name) and receiver.id in OUR_MODULES


OUR_MODULES = frozenset({"paging", "common", "access"})


class Scope:
    """What a name means where it is used: module constants, and a function's local assignments."""

    def __init__(self, module: ast.Module) -> None:
        self.module = module
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(module):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def function(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def assigned(self, name: str, where: ast.AST) -> list[ast.expr] | None:
        """The values assigned to `name` in the function around `where` (or the module); None when the name
        is a parameter, a loop variable or comes from elsewhere (unknown: not trusted)."""
        function = self.function(where)
        body: ast.AST = function or self.module
        if function is not None and name in {a.arg for a in function.args.args + function.args.kwonlyargs}:
            trusted = SINK_HELPERS.get(function.name, ())
            return [ast.Constant("")] if name in trusted else None
        values = [
            node.value
            for node in ast.walk(body)
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            and node.value is not None
            and any(isinstance(n, ast.Name) and n.id == name for t in assignment_targets(node) for n in ast.walk(t))
        ]
        if values or function is None:
            return values or None
        return self.assigned(name, function) if function in self.parents else None


def assignment_targets(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def is_markdown_safe(node: ast.expr, scope: Scope, seen: frozenset[str] = frozenset()) -> bool:
    """`node` is Markdown the code wrote, every value from outside escaped."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, int, float)) or node.value is None
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(part, ast.Constant) or is_interpolation_safe(part.value, scope, seen)
            for part in node.values
            if isinstance(part, (ast.Constant, ast.FormattedValue))
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return is_markdown_safe(node.left, scope, seen) and is_markdown_safe(node.right, scope, seen)
    if isinstance(node, ast.BoolOp):
        return all(is_markdown_safe(v, scope, seen) for v in node.values)
    if isinstance(node, ast.IfExp):
        return is_markdown_safe(node.body, scope, seen) and is_markdown_safe(node.orelse, scope, seen)
    if isinstance(node, ast.Call):
        return is_safe_call(node, scope, seen)
    if isinstance(node, (ast.Name, ast.Attribute)) and (is_constant(node) or root_name(node) in seen):
        return True
    if isinstance(node, ast.Name):
        if node.id in seen:
            return True
        values = scope.assigned(node.id, node)
        return values is not None and all(is_markdown_safe(v, scope, seen | {node.id}) for v in values)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(is_markdown_safe(e, scope, seen) for e in node.elts)
    if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        return is_markdown_safe(node.elt, scope, seen | constant_loop_names(node))
    return False


def root_name(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def is_constant(node: ast.Name | ast.Attribute) -> bool:
    """A module constant (NOTE, LATE) or a member of an enum or class (ActionStatus.DONE, LOGO.key): text
    written in the code, wherever it is imported from."""
    while isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
        node = node.value
    if not isinstance(node, ast.Name):
        return False
    return node.id.isupper() or (node.id[0].isupper() and node is not None and "_" not in node.id)


def constant_loop_names(node: ast.GeneratorExp | ast.ListComp) -> frozenset[str]:
    """The loop variables of a comprehension over a constant (`for key, c in COMPUTATIONS.items()`): code text."""
    return frozenset(
        n.id
        for g in node.generators
        if is_constant_iterable(g.iter)
        for n in ast.walk(g.target)
        if isinstance(n, ast.Name)
    )


def is_constant_iterable(node: ast.expr) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
        node = node.func.value  # CONSTANT.items()
    return isinstance(node, (ast.Name, ast.Attribute)) and is_constant(node)


def is_safe_call(node: ast.Call, scope: Scope, seen: frozenset[str]) -> bool:
    name = called_name(node)
    if name in ESCAPED or name in NOT_TEXT:
        return True
    if name == "join" and isinstance(node.func, ast.Attribute):  # "sep".join(safe items)
        return is_markdown_safe(node.func.value, scope, seen) and all(
            is_markdown_safe(a, scope, seen) for a in node.args
        )
    return False


def is_interpolation_safe(node: ast.expr, scope: Scope, seen: frozenset[str]) -> bool:
    """A value interpolated in an f-string: escaped, or a number or a date."""
    parent = scope.parents.get(node)
    if isinstance(parent, ast.FormattedValue) and isinstance(parent.format_spec, ast.JoinedStr):
        spec = "".join(str(p.value) for p in parent.format_spec.values if isinstance(p, ast.Constant))
        if spec.endswith(NOT_TEXT_FORMATS) or "%" in spec:
            return True
    if isinstance(node, ast.Call) and called_name(node) in NOT_TEXT:
        return True
    if isinstance(node, ast.Name) and node.id in seen:
        return True
    return is_markdown_safe(node, scope, seen)


def is_raw_html(call: ast.Call) -> bool:
    """st.html(...), or unsafe_allow_html=...: HTML that Streamlit would not escape (never on the pages)."""
    html = isinstance(call.func, ast.Attribute) and call.func.attr == "html" and not is_our_module(call.func.value)
    return html or any(k.arg == "unsafe_allow_html" for k in call.keywords)


def findings(source: str, where: str) -> list[Finding]:
    """Every Markdown-interpreting call of `source` given a value not known to be escaped."""
    module = ast.parse(source)
    scope = Scope(module)
    found = []
    for node in ast.walk(module):
        function = scope.function(node)
        if isinstance(node, ast.Call) and is_raw_html(node):
            found.append(Finding(where, node.lineno, ast.unparse(node)[:120]))
        if isinstance(node, ast.Call) and (function is None or function.name not in UNCHECKED):
            for argument in text_arguments(node):
                if not is_markdown_safe(argument, scope):
                    found.append(Finding(where, argument.lineno, ast.unparse(argument)))
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_markdown_gets_only_escaped_text(path: Path) -> None:
    assert not findings(path.read_text(), path.name), "\n".join(map(str, findings(path.read_text(), path.name)))


@pytest.mark.parametrize(
    "snippet",
    [
        "st.markdown(f\"**{row['Nom']}**\")",
        "st.error(str(error))",
        "st.caption(action.title)",
        "first.metric(name, 3)",
        "st.expander(f'{pathway.name} · {count}')",
        "st.tabs([plain(a), b])",
        "def f(text):\n    st.info(text)",
        "def f(row):\n    message = 'Inscrit : ' + row.name\n    st.success(message)",
        "st.selectbox('x', [], help=note)",
        "st.error('Rien :\\n' + '\\n'.join(f'- {e}' for e in errors))",
        "st.info(plain(a) or b)",
        "header(row.title, 'ok')",
        "st.markdown('<b>ok</b>', unsafe_allow_html=True)",
        "st.html('<b>ok</b>')",
    ],
)
def test_the_checker_flags_unescaped_text(snippet: str) -> None:
    assert findings(snippet, "snippet"), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "st.markdown(f\"**{plain(row['Nom'])}**\")",
        "st.error(f'**{len(late)} action(s)**\\n\\n' + '\\n'.join(late_line(r) for r in rows))",
        "NOTE = 'Chiffres'\nst.caption(NOTE)",
        "def f(rows):\n    message = f'{len(rows)} inscrit(s) : ' + plain(rows[0])\n    st.success(message)",
        "st.caption(f'Accueil · {date.today():%d/%m/%Y}')",
        "def header(title, caption):\n    st.title(title)",
        "lines = [f'- `{key}` : {c.label}' for key, c in COMPUTATIONS.items()]\nst.markdown('\\n'.join(lines))",
        "paging.caption(listed)",
    ],
)
def test_the_checker_lets_escaped_text_through(snippet: str) -> None:
    assert not findings(snippet, "snippet"), findings(snippet, "snippet")
