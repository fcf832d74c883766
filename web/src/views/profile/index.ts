import { api, ApiError, type BillingAddress, type Profile, type ProfilePatch } from "../../lib/api";
import { humanError } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { app } from "../../lib/state";
import { clearFieldErrors, field, identicon, setFieldError } from "../../ui/controls";
import { h, replace } from "../../ui/dom";
import { notice } from "../../ui/feedback";
import { actionButton, errorCard, gate, loadingCard, pageHeader, type View } from "../../ui/page";
import { fill, locale, t } from "../../i18n";

/** PATCH /users/me's rules, mirrored for early messages. */
const RULES = {
  text: /^[^\p{Cc}\p{Cs}]*$/u,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  postalCode: /^[A-Za-z0-9 -]{2,12}$/,
  country: /^[A-Z]{2}$/,
  taxId: /^[A-Za-z0-9][A-Za-z0-9 .\-/]{1,31}$/,
};

/** The signed-in user's profile: name, email, company, tax id and billing address. */
export const profileView: View = (root) => {
  const words = t().profile;
  root.append(pageHeader(words.title, words.lead));
  if (!gate(root, { wallet: true, chain: true, session: true, reason: words.gate })) return;
  const body = h("div", { class: "stack" }, loadingCard(words.loading));
  root.append(body);
  let stopped = false;

  const load = async () => {
    try {
      const profile = await api.profile();
      if (!stopped) replace(body, form(profile));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return app.sessionExpired();
      if (!stopped)
        replace(
          body,
          errorCard(error, () => void load()),
        );
    }
  };
  void load();
  return () => (stopped = true);
};

function form(profile: Profile): HTMLElement {
  const words = t().profile;
  const messages = t().validation;
  const input = (name: string, value: string | null | undefined, attrs: Record<string, string | number> = {}) =>
    h("input", { type: "text", name, value: value ?? "", autocomplete: "off", ...attrs });
  const displayName = input("displayName", profile.displayName, { maxlength: 80, autocomplete: "name" });
  const email = input("email", profile.email, { type: "email", maxlength: 254, autocomplete: "email" });
  const company = input("company", profile.company, { maxlength: 120, autocomplete: "organization" });
  const taxId = input("taxId", profile.taxId, { maxlength: 32 });
  const address = profile.billingAddress;
  const line1 = input("line1", address?.line1, { maxlength: 200, autocomplete: "address-line1" });
  const line2 = input("line2", address?.line2, { maxlength: 200, autocomplete: "address-line2" });
  const city = input("city", address?.city, { maxlength: 100, autocomplete: "address-level2" });
  const postalCode = input("postalCode", address?.postalCode, { maxlength: 12, autocomplete: "postal-code" });
  const region = input("region", address?.region, { maxlength: 100, autocomplete: "address-level1" });
  const country = input("country", address?.country, { maxlength: 2, autocomplete: "country", placeholder: "FR", class: "input-short" });
  const status = h("div", { class: "form-status", "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "btn btn-primary btn-lg", id: "save-profile" }, words.save);

  const element = h(
    "form",
    { class: "stack", id: "profile-form", novalidate: true },
    h(
      "section",
      { class: "card profile-head" },
      identicon(profile.address, 48),
      h(
        "div",
        null,
        h("p", { class: "mono break" }, profile.address),
        h("p", { class: "muted small" }, fill(words.memberSince, { date: formatDate(new Date(profile.createdAt)) })),
      ),
      h(
        "div",
        { class: "profile-head-actions" },
        actionButton(words.signOut, () => app.signOut(), { class: "btn btn-secondary btn-sm", id: "profile-sign-out" }),
      ),
    ),
    h(
      "section",
      { class: "card form-card" },
      h("h2", null, words.about),
      h(
        "div",
        { class: "form-grid" },
        field({ id: "profile-name", label: words.name, control: displayName, optional: true }),
        field({
          id: "profile-email",
          label: words.email,
          control: email,
          optional: true,
          hint: words.emailHint,
        }),
        field({ id: "profile-company", label: words.company, control: company, optional: true }),
        field({
          id: "profile-tax",
          label: words.taxId,
          control: taxId,
          optional: true,
          hint: words.taxIdHint,
        }),
      ),
    ),
    h(
      "section",
      { class: "card form-card" },
      h("h2", null, words.billing),
      h("p", { class: "muted" }, words.billingHint),
      h(
        "div",
        { class: "form-grid" },
        h("div", { class: "span-2" }, field({ id: "profile-line1", label: words.line1, control: line1 })),
        h("div", { class: "span-2" }, field({ id: "profile-line2", label: words.line2, control: line2, optional: true })),
        field({ id: "profile-city", label: words.city, control: city }),
        field({ id: "profile-postal", label: words.postalCode, control: postalCode, optional: true }),
        field({ id: "profile-region", label: words.region, control: region, optional: true }),
        field({ id: "profile-country", label: words.country, control: country, hint: words.countryHint }),
      ),
    ),
    status,
    h("div", { class: "form-actions" }, save),
  );

  const text = (control: HTMLInputElement) => control.value.normalize("NFC").trim();
  const validate = (): ProfilePatch | undefined => {
    clearFieldErrors(element);
    let ok = true;
    const fail = (id: string, message: string) => {
      if (ok) element.querySelector<HTMLElement>(`#${id}`)?.focus();
      ok = false;
      setFieldError(element, id, message);
    };
    const optionalText = (control: HTMLInputElement, id: string, max: number) => {
      const value = text(control);
      if (value.length > max) fail(id, fill(messages.maxChars, { max }));
      else if (!RULES.text.test(value)) fail(id, messages.controlChars);
      return value || null;
    };
    const patch: ProfilePatch = {
      displayName: optionalText(displayName, "profile-name", 80),
      company: optionalText(company, "profile-company", 120),
    };
    const mail = text(email);
    if (mail && (!RULES.email.test(mail) || mail.length > 254)) fail("profile-email", messages.email);
    patch.email = mail || null;
    const tax = text(taxId);
    if (tax && !RULES.taxId.test(tax)) fail("profile-tax", words.taxIdError);
    patch.taxId = tax || null;

    const parts = [line1, line2, city, postalCode, region, country].map(text);
    if (parts.every((p) => p === "")) patch.billingAddress = null;
    else {
      const billing: BillingAddress = { line1: text(line1), city: text(city), country: text(country).toUpperCase() };
      if (!billing.line1) fail("profile-line1", messages.line1);
      if (!billing.city) fail("profile-city", messages.city);
      if (!RULES.country.test(billing.country)) fail("profile-country", words.countryError);
      const l2 = text(line2);
      const pc = text(postalCode);
      const rg = text(region);
      if (l2) billing.line2 = l2;
      if (pc) {
        if (!RULES.postalCode.test(pc)) fail("profile-postal", messages.postalCode);
        billing.postalCode = pc;
      }
      if (rg) billing.region = rg;
      for (const [control, id] of [
        [line1, "profile-line1"],
        [line2, "profile-line2"],
        [city, "profile-city"],
        [region, "profile-region"],
      ] as const) {
        if (!RULES.text.test(text(control))) fail(id, messages.controlChars);
      }
      patch.billingAddress = billing;
    }
    return ok ? patch : undefined;
  };

  const apiFields: Record<string, string> = {
    displayName: "profile-name",
    email: "profile-email",
    company: "profile-company",
    taxId: "profile-tax",
    "billingAddress.line1": "profile-line1",
    "billingAddress.line2": "profile-line2",
    "billingAddress.city": "profile-city",
    "billingAddress.postalCode": "profile-postal",
    "billingAddress.region": "profile-region",
    "billingAddress.country": "profile-country",
  };

  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    replace(status);
    const patch = validate();
    if (!patch) return;
    save.disabled = true;
    try {
      const updated = await api.updateProfile(patch);
      replace(
        status,
        notice("success", words.saved, fill(words.updated, { time: new Date(updated.updatedAt).toLocaleTimeString(locale()) })),
      );
    } catch (error) {
      if (error instanceof ApiError && error.code === "validation_failed" && error.fieldProblems.length > 0) {
        for (const problem of error.fieldProblems)
          setFieldError(element, apiFields[problem.path] ?? "", `${problem.message.charAt(0).toUpperCase()}${problem.message.slice(1)}.`);
      } else {
        if (error instanceof ApiError && error.status === 401) app.sessionExpired();
        const human = humanError(error);
        replace(status, notice("error", human.title, human.message));
      }
    } finally {
      save.disabled = false;
    }
  });
  return element;
}
