"""Views of the kernel, one module per screen family."""
