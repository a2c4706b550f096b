"""The two HTML pages of ``dutydesk serve``: the Chinese login form and the app page (the
terminal that textual-serve's ``textual.js`` draws, with a bar to log out). No inline scripts,
nothing loaded from other sites (the office may be offline); every value is escaped."""

from __future__ import annotations

from html import escape

_STYLE = """
  :root { color-scheme: dark; }
  html, body { margin: 0; padding: 0; height: 100%; background: #0c181f; color: #e8eef2;
    font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; }
"""

WRONG_LOGIN = "用户名或密码错误"
EXPIRED_FORM = "页面已过期，请重新输入"


def login_page(csrf: str, message: str | None = None, username: str = "") -> str:
    note = f'<p class="message" role="alert">{escape(message)}</p>' if message else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · dutydesk 值班台</title>
<style>{_STYLE}
  body {{ padding-top: 12vh; box-sizing: border-box; }}
  main {{ max-width: 22rem; margin: 0 auto; padding: 2rem 2.2rem; background: #12232d; border-radius: 6px; }}
  h1 {{ font-size: 1.4rem; margin: 0 0 1.4rem; font-weight: 600; }}
  label {{ display: block; margin: 0.9rem 0 0.3rem; }}
  input[type=text], input[type=password] {{ width: 100%; box-sizing: border-box; padding: 0.5rem;
    font-size: 1rem; border: 1px solid #3a5566; border-radius: 4px; background: #0c181f; color: inherit; }}
  button {{ margin-top: 1.4rem; width: 100%; padding: 0.6rem; font-size: 1rem; border: 0; border-radius: 4px;
    background: #2f7d5b; color: #fff; cursor: pointer; }}
  .message {{ color: #ffb4a8; margin: 0 0 0.8rem; }}
  .hint {{ color: #8ea4b0; font-size: 0.85rem; margin-top: 1.2rem; }}
</style>
</head>
<body>
<main>
  <h1>dutydesk 值班台</h1>
  {note}
  <form method="post" action="/login" autocomplete="on">
    <input type="hidden" name="csrf" value="{escape(csrf)}">
    <label for="username">用户名</label>
    <input type="text" id="username" name="username" value="{escape(username)}" autocomplete="username"
      maxlength="64" required autofocus>
    <label for="password">密码</label>
    <input type="password" id="password" name="password" autocomplete="current-password" maxlength="256" required>
    <button type="submit">登录</button>
  </form>
  <p class="hint">账号由管理员用 dutydesk users add 添加。连续输错 5 次，该用户名锁定 15 分钟。</p>
</main>
</body>
</html>
"""


def app_page(*, websocket_url: str, user: str, csrf: str, font_size: int = 16) -> str:
    """The terminal page; ``textual.js`` connects to ``websocket_url`` when the page has loaded."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>dutydesk 值班台 · {escape(user)}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>{_STYLE}
  @font-face {{ font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }}
  html, body {{ overflow: hidden; }}
  .bar {{ height: 2rem; box-sizing: border-box; display: flex; align-items: center; gap: 1rem;
    padding: 0 0.8rem; background: #12232d; font-size: 0.9rem; }}
  .bar .who {{ margin-left: auto; color: #8ea4b0; }}
  .bar form {{ margin: 0; }}
  .bar button {{ background: none; border: 1px solid #3a5566; border-radius: 3px; color: inherit;
    padding: 0.1rem 0.6rem; cursor: pointer; font: inherit; }}
  body .textual-terminal {{ width: 100vw; height: calc(100vh - 2rem); opacity: 0; }}
  body.-first-byte .textual-terminal {{ opacity: 1; transition: opacity 0.3s ease-out; }}
  .starting, .closed {{ position: absolute; top: 40vh; left: 50%; transform: translateX(-50%); z-index: 10;
    padding: 1rem 1.5rem; border-radius: 6px; background: #12232d; text-align: center; }}
  body.-first-byte .starting, .closed, body.-closed .starting {{ display: none; }}
  body.-closed .closed {{ display: block; }}
  body.-closed .textual-terminal {{ opacity: 0.3; }}
  .closed a {{ color: #7fd1ae; }}
</style>
</head>
<body>
<div class="bar">
  <span>dutydesk 值班台</span>
  <span class="who">操作人：{escape(user)}</span>
  <form method="post" action="/logout"><input type="hidden" name="csrf" value="{escape(csrf)}"><button
    type="submit">退出登录</button></form>
</div>
<div class="starting">正在启动…</div>
<div class="closed">会话已结束（已退出、空闲过久或已在别处退出登录）。<a href="/">重新打开</a></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{escape(websocket_url)}"
  data-font-size="{int(font_size)}"></div>
</body>
</html>
"""
