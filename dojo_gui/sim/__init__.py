"""The simulations: communication, power, cooling and coupled scenarios.  numpy, no Qt."""
