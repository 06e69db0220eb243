# wapiti 3.0.4 as Debian 12 packages it, run by the security scan (decision 0070) with two fixes:
#
# 1. It instantiates every attack module at start, whatever -m names, and mod_wapp's constructor
#    downloads the Wappalyzer database from GitHub (mod_nikto's its own): only the modules named
#    in -m are loaded here, and the online ones are refused outright.
# 2. It compiles each -x (exclude) pattern as `<pattern>\Z(?ms)`, which Python 3.11 refuses
#    ("global flags not at the start of the expression"), so any -x crashes it: the same pattern
#    with its flags first.
import re
import sys

import wapitiCore.net.crawler as crawler
from wapitiCore.attack import attack

ONLINE = {"nikto", "wapp", "ssrf", "xxe"}

if "-m" not in sys.argv:
    sys.exit("wapiti.py: name the modules with -m (the default set is not offline-safe)")
chosen = [name.strip() for name in sys.argv[sys.argv.index("-m") + 1].split(",") if name.strip()]
if ONLINE.intersection(chosen) or any(name.startswith("-") or ":" in name for name in chosen):
    sys.exit(f"wapiti.py: refusing modules {chosen}: only plain names of offline modules")
attack.modules = [f"mod_{name}" for name in chosen]


def wildcard_translate(pattern):
    return re.compile("(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z")


crawler.wildcard_translate = wildcard_translate

from wapitiCore.main.wapiti import wapiti_main  # noqa: E402

sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
