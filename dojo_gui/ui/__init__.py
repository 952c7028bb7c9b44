"""The desktop application: the only package that uses Qt."""
