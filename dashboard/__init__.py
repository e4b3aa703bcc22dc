"""The Solara dashboard (``ibusim dashboard``): programme design, sweeps, communication, about.

app.py holds the pages, session.py one browser session's form and model, views.py and
charts.py what is drawn, sweeps.py the background sweeps and A/B runs, server.py the
``ibusim dashboard`` command (Solara as a child process, stopped with its whole group).
"""
