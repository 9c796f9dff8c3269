"""Approximate nearest-neighbour indexes of embeddings, in files beside the store (faiss)."""
