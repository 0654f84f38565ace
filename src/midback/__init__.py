"""MidBack: home-exercise programs for mid back pain, tailored and followed up by a clinic."""
