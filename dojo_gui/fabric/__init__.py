"""The fabric: design -> networkx graph -> numpy link arrays, and routing.  No Qt."""
