"""A wrong invocation of `./cpts` told in French: a value of the wrong type, a missing argument, an unknown
option or command. Typer parses the command line with its own copy of click, whose messages are English
and built in code (no gettext): `usage_message` says each kind of mistake again, in French, from what the
exception carries (the option, the value, pydantic's reason); `french_help` makes `--help` and the usage
line French (titles, « Utilisation : », the help of --help).
tests/test_cli_errors.py runs the usual mistakes and fails on an English word.
"""

from __future__ import annotations

import re
from typing import Any

import typer
import typer.rich_utils
from pydantic import ValidationError
from typer._click import exceptions as wrong  # typer's click: the exceptions its parser raises
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter

UsageError = wrong.UsageError
Abort = typer.Abort
ClickException = wrong.ClickException
METAVARS = {"COMMAND [ARGS]...": "COMMANDE [ARGUMENTS]..."}  # typer's words in a usage line
HELP_TITLES = {  # typer's words in `--help`, read from its module when it draws the help
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "ABORTED_TEXT": "Interrompu.",
    "DEFAULT_STRING": "[défaut : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
}
# pydantic's error types (what typer checks values with) -> what is wrong with the value, in French
VALUE_REASONS = {
    "int_parsing": "n'est pas un nombre entier",
    "int_from_float": "n'est pas un nombre entier",
    "int_type": "n'est pas un nombre entier",
    "float_parsing": "n'est pas un nombre",
    "float_type": "n'est pas un nombre",
    "bool_parsing": "n'est ni oui ni non (true/false)",
    "date_parsing": "n'est pas une date (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "n'est pas une date (AAAA-MM-JJ)",
    "datetime_parsing": "n'est pas une date et heure (AAAA-MM-JJ HH:MM)",
    "enum": "n'est pas l'une des valeurs permises",
    "literal_error": "n'est pas l'une des valeurs permises",
}
PATH_REASONS = {  # typer's own checks of a path
    "does not exist": "n'existe pas",
    "is a file": "est un fichier (un dossier est attendu)",
    "is a directory": "est un dossier (un fichier est attendu)",
    "is not readable": "n'est pas lisible",
    "is not writable": "n'est pas modifiable",
}
NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>.*?)'\.(?: Did you mean (?P<guess>.*)\?)?")
EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)")
QUOTED = re.compile(r"'([^']*)'")


HELP_OPTION = "Affiche cette aide."


class FrenchFormatter(HelpFormatter):
    """The usage line of `--help` and of the mistakes, in French."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, french in METAVARS.items():
            args = args.replace(english, french)
        super().write_usage(prog, args, "Utilisation : " if prefix is None else prefix)


def french_help() -> None:
    """`--help` in French from now on: its titles, its usage line, the help of `--help` itself."""
    for name, text in HELP_TITLES.items():
        setattr(typer.rich_utils, name, text)
    Context.formatter_class = FrenchFormatter
    if not getattr(Command.get_help_option, "french", False):
        english = Command.get_help_option

        def get_help_option(self: Command, ctx: Context) -> Any:
            option = english(self, ctx)
            if option is not None:
                option.help = HELP_OPTION
            return option

        get_help_option.french = True  # type: ignore[attr-defined]
        Command.get_help_option = get_help_option  # type: ignore[method-assign]


def usage_message(error: UsageError) -> str:
    """A wrong invocation, told in French: the command's usage line, what is wrong, where to find help."""
    ctx = context_of(error)
    if ctx is None:
        return mistake(error)
    called_alone = isinstance(error, wrong.NoArgsIsHelpError) or error.message.startswith("Missing command")
    what = commands(ctx) if called_alone else mistake(error)
    return f"{ctx.get_usage()}\n{what}\nAide : {ctx.command_path} --help"  # « Utilisation : … » (FrenchFormatter)


def context_of(error: UsageError) -> Context | None:
    """The command being parsed when the mistake was found: the parser raises some mistakes (an option
    missing its value…) without it; it is then the last one its frames were parsing."""
    if error.ctx is not None:
        return error.ctx
    found = None
    frame = error.__traceback__
    while frame is not None:
        candidate = frame.tb_frame.f_locals.get("ctx")
        found = candidate if isinstance(candidate, Context) else found
        frame = frame.tb_next
    return found


def commands(ctx: Any) -> str:
    """A group called without its command: the commands it has, each with the first line of its help."""
    names = ctx.command.list_commands(ctx)
    lines = [f"  {name:<10} {ctx.command.get_command(ctx, name).get_short_help_str(70)}" for name in names]
    return "\n".join(["Précisez une commande :", *lines])


def mistake(error: UsageError) -> str:
    """What is wrong in the invocation, in French (see the module's docstring)."""
    if isinstance(error, wrong.NoSuchOption):
        known = f" (options possibles : {', '.join(sorted(error.possibilities))})" if error.possibilities else ""
        return f"Option inconnue : {error.option_name}{known}."
    if isinstance(error, wrong.MissingParameter):
        kind = (
            "l'option"
            if (error.param_type or getattr(error.param, "param_type_name", "")) == "option"
            else "l'argument"
        )
        return f"Il manque {kind} {hint(error)}."
    if isinstance(error, wrong.BadParameter):
        return f"Valeur refusée pour {hint(error)} : {value_reason(error)}."
    if isinstance(error, wrong.BadOptionUsage):
        if "does not take a value" in error.message:
            return f"L'option {error.option_name} ne prend pas de valeur."
        return f"L'option {error.option_name} attend une valeur."
    if isinstance(error, wrong.BadArgumentUsage):
        return "Nombre de valeurs d'un argument incorrect."
    return plain_mistake(error.message)


def plain_mistake(message: str) -> str:
    """The mistakes the parser words in a plain UsageError (unknown command, extra arguments…)."""
    if found := NO_SUCH_COMMAND.match(message):
        guess = f" (vouliez-vous dire {found['guess']} ?)" if found["guess"] else ""
        return f"Commande inconnue : {found['name']}{guess}."
    if found := EXTRA_ARGUMENTS.match(message):
        return f"Argument(s) en trop : {found['args']}."
    return f"Appel incorrect ({message})."


def hint(error: wrong.BadParameter) -> str:
    """The option or argument at fault, as typed ('--year', 'EMAIL')."""
    if error.param_hint is not None:
        names = [error.param_hint] if isinstance(error.param_hint, str) else list(error.param_hint)
        return " / ".join(names)
    if error.param is not None:
        return str(error.param.get_error_hint())
    return "un paramètre"


def value_reason(error: wrong.BadParameter) -> str:
    """Why the value was refused, in French: from pydantic's error type, typer's path checks, or our own
    message (a French typer.BadParameter of a command)."""
    cause = error.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        first: dict[str, Any] = dict(cause.errors()[0])
        value = first.get("input")
        reason = VALUE_REASONS.get(str(first.get("type")), "n'est pas une valeur permise")
        expected = (first.get("ctx") or {}).get("expected")
        choices = f" : {str(expected).replace(' or ', ' ou ')}" if expected else ""
        return f"« {value} » {reason}{choices}"
    for english, french in PATH_REASONS.items():
        if english in error.message:
            named = QUOTED.search(error.message)
            return f"« {named.group(1) if named else ''} » {french}"
    return error.message
