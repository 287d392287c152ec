"""Import of registry data: HSDS JSON (``manage.py import_hsds``) and the editors' CSV (admin).

Readers (``hsds_format``, ``csv_format``) turn a file into records and problems;
the engine (``engine.plan`` = dry run, ``engine.apply`` = one transaction)
validates and writes them the same way for both.
"""
