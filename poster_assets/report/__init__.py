"""A static HTML report of a batch's posters: anatomy, titles and nearest neighbours."""
