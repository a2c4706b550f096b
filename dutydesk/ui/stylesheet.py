"""A Textual stylesheet that parses each CSS source once per set of variables.

Textual re-parses *every* CSS source whenever one is added or the variables are set
(``App.refresh_css`` and ``Stylesheet.reparse`` build a fresh ``Stylesheet`` whose parse cache is
empty). At start-up that happens four times as the first screen brings the DEFAULT_CSS of its
widgets: ~110 ms of the ~450 ms dutydesk adds to a bare Textual app's start (bench/ANALYSIS.md).
Parsed rules depend only on the source text, where it came from, its flags and the variables,
so this subclass keeps them in one cache shared by the reparsed copies.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

CACHE_MAX = 512  # parsed sources kept (a theme change adds one set)


class CachedStylesheet(Stylesheet):
    def __init__(self, *, variables: dict[str, str] | None = None, shared: dict | None = None) -> None:
        super().__init__(variables=variables)
        self._shared: dict = {} if shared is None else shared
        self._variables_key: tuple | None = None

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_key = None

    def _parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        if self._variables_key is None:
            self._variables_key = tuple(sorted(self._variables.items()))
        key = (css, read_from, is_default_rules, tie_breaker, scope, self._variables_key)
        rules = self._shared.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if len(self._shared) >= CACHE_MAX:
                self._shared.clear()
            self._shared[key] = rules
        return rules

    def copy(self) -> "CachedStylesheet":
        stylesheet = CachedStylesheet(variables=self._variables.copy(), shared=self._shared)
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        """As ``Stylesheet.reparse`` (parse into a fresh sheet so that an error leaves this one
        intact), with the shared cache."""
        stylesheet = CachedStylesheet(variables=self._variables, shared=self._shared)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker,
                                  scope=scope)
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        else:
            self._rules = stylesheet.rules
            self._rules_map = None
            self.source = stylesheet.source
            self._require_parse = False
