"""The jury's web pages: the juror's (juror.py), the organiser's jury page (jury.py), progress
board (board.py) and ranking (results.py)."""
