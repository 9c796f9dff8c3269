"""Pretraining against a store: the structured training sets built from the stage tables, the
training run that saves, exports and registers an encoder, and its targets. The torch pieces
it drives are in `ssl/`."""
