"""Sample reviews of comparative randomised trials, built from published trial-level data.

Unlike the seed review (synthetic from end to end), each of these reviews pools real published
data: the trials' citations and their arm-level numbers come from the data set's source, named in
its spec module (:mod:`.gibson2002`, :mod:`.bcg`). Everything around them is generated from a fixed
seed and labelled synthetic: the off-topic and duplicate records of the search exports, the two
reviewers' screening decisions, and the two appraisers' RoB 2 judgements (illustrative).
"""
