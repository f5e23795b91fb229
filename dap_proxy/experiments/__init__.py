"""Automated hypothesis testing and fault localization (spectra, perturbation, repetition)."""
