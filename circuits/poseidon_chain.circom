pragma circom 2.0.0;

include "poseidon.circom";

// A chain of `n` two-input Poseidon hashes (circomlib's BN254 parameters):
//   h[0] = Poseidon(seed, salt), h[i] = Poseidon(h[i-1], salt), out = h[n-1].
// Each link costs about 240 constraints after --O2, so `n` sets the circuit size; the zkvm-kit benchmarks
// use it as a stand-in load for the STARK verifier circuit, and the tests use it with a small `n`.
template PoseidonChain(n) {
    signal input seed;
    signal input salt;
    signal output out;

    component h[n];
    for (var i = 0; i < n; i++) {
        h[i] = Poseidon(2);
        h[i].inputs[0] <== i == 0 ? seed : h[i - 1].out;
        h[i].inputs[1] <== salt;
    }
    out <== h[n - 1].out;
}
