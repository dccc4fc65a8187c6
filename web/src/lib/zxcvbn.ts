import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

/** zxcvbn's estimate for `password`, with the user's own words (e.g. the email) as extra dictionary entries. */
export function check(password: string, userInputs: string[]) {
  return zxcvbn.check(password, userInputs);
}
