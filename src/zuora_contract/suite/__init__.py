"""The contract suite itself: pytest modules shipped in the package, run by `zuora-contract run`."""
