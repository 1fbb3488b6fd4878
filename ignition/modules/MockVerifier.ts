import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import ReceiptVerifierStack from "./ReceiptVerifierStack.ts";

/**
 * Adds the dev-mode MockReceiptVerifier (selector 0xFFFFFFFF), behind its own emergency stop, to the
 * router of {@link ReceiptVerifierStack}. The mock's constructor refuses chains other than 31337/1337
 * unless the `force` parameter is true — never force it on a chain that holds value.
 */
export default buildModule("MockVerifier", (m) => {
  const { router } = m.useModule(ReceiptVerifierStack);
  const deployer = m.getAccount(0);
  const mock = m.contract("MockReceiptVerifier", [m.getParameter("force", false)]);
  const mockEmergencyStop = m.contract("EmergencyStopVerifier", [mock, deployer], {
    id: "MockEmergencyStop",
  });
  m.call(router, "addVerifier", ["0xffffffff", mockEmergencyStop], { id: "AddMock" });
  return { router, mock, mockEmergencyStop };
});
