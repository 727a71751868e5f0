import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";
import type { FileSpec } from "../helpers/make-patch.js";

/**
 * The unreleased rule across two hunks of one function: unseen lines lie
 * between the acquisition and the exit, so an exit is judged only on the
 * cleanup label the function shows after them (the author's other error
 * exits jump there, a new `return` skips it), and worded with that doubt.
 */

const PATH = "drivers/pci/bridge_demo.c";

/** Hunk 1 takes a reference on the bridge's device; hunk 2 (after unseen lines) is `second`. */
function twoHunks(second: string[], first: string[] = ["+	pci_dev_get(pdev);", "+"]): FileSpec[] {
  return [
    {
      path: PATH,
      hunks: [
        {
          start: 200,
          fn: "static int bridge_scan(struct bridge *br)",
          lines: [" 	struct pci_dev *pdev = br->pdev;", " 	int ret;", " ", ...first, " 	bridge_quiesce(br);", " ", " 	for (i = 0; i < br->nr_ports; i++) {"],
        },
        { start: 240, fn: "static int bridge_scan(struct bridge *br)", lines: second },
      ],
    },
  ];
}

/** The new ending: a cleanup label that drops the reference. */
const PUT_LABEL = ["-	return 0;", "+	ret = 0;", "+out_put:", "+	pci_dev_put(pdev);", "+	return ret;", " }"];

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "every shown exit after the gap jumps to the label that drops the reference",
      files: twoHunks([" 		ret = bridge_port_reset(br, i);", " 		if (ret)", "-			return ret;", "+			goto out_put;", " 	}", " ", ...PUT_LABEL]),
    },
    {
      name: "a new return after the gap when no shown label drops the reference: nothing is known",
      files: twoHunks([
        " 		ret = bridge_port_reset(br, i);",
        " 		if (ret)",
        " 			goto out;",
        "+		if (!br->ports[i].ok)",
        "+			return -EIO;",
        " 	}",
        " ",
        " 	return 0;",
        " }",
      ]),
    },
    {
      name: "a new return that drops the reference itself before leaving",
      files: twoHunks([
        " 		ret = bridge_port_reset(br, i);",
        " 		if (ret)",
        "-			return ret;",
        "+			goto out_put;",
        "+		if (!br->ports[i].ok) {",
        "+			pci_dev_put(pdev);",
        "+			return -EIO;",
        "+		}",
        " 	}",
        " ",
        ...PUT_LABEL,
      ]),
    },
    {
      name: "a return the patch does not touch is not this patch's point",
      files: twoHunks([
        " 		ret = bridge_port_reset(br, i);",
        " 		if (ret)",
        "-			return ret;",
        "+			goto out_put;",
        " 		if (!br->ports[i].ok)",
        " 			return -EIO;",
        " 	}",
        " ",
        ...PUT_LABEL,
      ]),
    },
  ],
  invalid: [
    {
      name: "a new return after the gap skips the label the other exits use to drop the reference",
      files: twoHunks([
        " 		ret = bridge_port_reset(br, i);",
        " 		if (ret)",
        "-			return ret;",
        "+			goto out_put;",
        "+",
        "+		if (!br->ports[i].ok) {",
        '+			dev_err(&pdev->dev, "port %d stuck\\n", i);',
        "+			return -EIO;",
        "+		}",
        " 	}",
        " ",
        ...PUT_LABEL,
      ]),
      errors: [
        {
          messageId: "acrossGap",
          file: PATH,
          line: 246,
          data: { label: "out_put", release: "pci_dev_put", what: "the reference taken by pci_dev_get()", undone: "dropped" },
        },
      ],
    },
  ],
});
