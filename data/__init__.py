"""The sample corpus and its gold annotations (installed as the package `fulian_sample`)."""
