"""``python -m dutydesk.petitions.repeats.helper``: the helper process of
:class:`~.background.RepeatSearch` (a request pickled on stdin, its answers pickled on stdout)."""

from __future__ import annotations

import pickle
import sys
import traceback


def main() -> int:
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by accident may land among the answers
    try:
        from .background import serve

        serve(sys.stdin.buffer, stdout)
    except (BrokenPipeError, KeyboardInterrupt):  # the import went away: nobody to answer
        return 1
    except BaseException:  # noqa: BLE001 - told to the import, which then searches itself
        try:
            pickle.dump(traceback.format_exc(limit=8), stdout)
            stdout.flush()
        except OSError:
            pass
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
