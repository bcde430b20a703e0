"""Tools for reviewers of a change to the standards: ``guides diff`` and ``guides fmt``.

Never imported by the build (load, check, domain, outputs, publish); only by the commands.
"""
