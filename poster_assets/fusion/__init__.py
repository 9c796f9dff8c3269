"""The fused poster encoder: one small transformer over a poster's patch tokens and text
tokens, co-trained over several self-supervised tasks (issue 19, docs/fusion.md)."""
