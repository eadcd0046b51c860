#!/usr/bin/env python3
"""Prints every row of every table of a pullscan database as SQL (what
`sqlite3 DB .dump` prints), so a matrix case can search all of it at once
without needing the sqlite3 command-line tool. Usage: dump_db.py DB"""
import sqlite3
import sys

con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for line in con.iterdump():
    print(line)
