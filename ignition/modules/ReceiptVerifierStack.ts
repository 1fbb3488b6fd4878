import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Hardhat Ignition module: ReceiptVerifierRouter → EmergencyStopVerifier → RiscZeroGroth16Verifier, with
 * the verifier registered in the router under the selector its constructor computes.
 *
 *   npx hardhat ignition deploy ignition/modules/ReceiptVerifierStack.ts --network <name> \
 *     --parameters '{"ReceiptVerifierStack": {"controlRoot": "0x…", "owner": "0x…"}}'
 *
 * Defaults: RISC Zero's v3.0 control root and BN254 control id; the deploying account owns the router and
 * the emergency stop. `zkvm deploy` does the same without Hardhat (and records deployments/<chainId>.json).
 */
export default buildModule("ReceiptVerifierStack", (m) => {
  const deployer = m.getAccount(0);
  const controlRoot = m.getParameter(
    "controlRoot",
    "0xa54dc85ac99f851c92d7c96d7318af41dbe7c0194edfcc37eb4d422a998c1f56",
  );
  const bn254ControlId = m.getParameter(
    "bn254ControlId",
    "0x04446e66d300eb7fb45c9726bb53c793dda407a62e9601618bb43c5c14657ac0",
  );
  const owner = m.getParameter("owner", deployer);

  const router = m.contract("ReceiptVerifierRouter", [deployer]);
  const verifier = m.contract("RiscZeroGroth16Verifier", [controlRoot, bn254ControlId]);
  const emergencyStop = m.contract("EmergencyStopVerifier", [verifier, owner]);
  const selector = m.staticCall(verifier, "SELECTOR");
  m.call(router, "addVerifier", [selector, emergencyStop]);
  return { router, verifier, emergencyStop };
});
