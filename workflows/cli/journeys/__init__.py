"""`prm journeys …`: what the portal's journey pages do, from the shell (list, show, publish, status, runs, enrol).

Exit codes: 0 done; 1 the world is not as the command needs (unknown journey, Temporal unreachable, run not
running); 2 the command line or a file is wrong (bad definition, bad option value).
"""
