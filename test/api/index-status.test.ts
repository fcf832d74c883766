import Database from "better-sqlite3";
import { expect } from "chai";
import { STATUS_AT_SQL } from "../../api/index/queries/invoice-status";
import { encodeBigint } from "../../core/index-codec";
import { deriveInvoiceStatus, type InvoiceState, type InvoiceStatusInputs } from "../../core/invoice/status";

/** The Invoice columns the status depends on, stored as Ponder 0.6 stores them. */
const TABLE = `CREATE TABLE "Invoice" (id INTEGER PRIMARY KEY, state TEXT, status TEXT, "dueDate" TEXT)`;

describe("api/index invoice status in SQL", function () {
  it("agrees with core's derivation at any time after the invoice's last event", function () {
    const db = new Database(":memory:");
    db.exec(TABLE);
    const insert = db.prepare(`INSERT INTO "Invoice" (id, state, status, "dueDate") VALUES (?, ?, ?, ?)`);
    const select = db.prepare(`SELECT ${STATUS_AT_SQL} AS status FROM "Invoice" WHERE id = ?`);
    const dueDate = 1_000n;
    const states: InvoiceState[] = ["open", "disputed", "refunded", "resolved", "cancelled"];
    // amount 10: unpaid, part-paid, fully paid and held, fully paid and released, fully paid and refunded.
    const amounts: Pick<InvoiceStatusInputs, "paid" | "released" | "held">[] = [
      { paid: 0n, released: 0n, held: 0n },
      { paid: 4n, released: 0n, held: 4n },
      { paid: 10n, released: 0n, held: 10n },
      { paid: 10n, released: 10n, held: 0n },
      { paid: 10n, released: 0n, held: 0n },
    ];
    const times = [0n, dueDate - 1n, dueDate, dueDate + 1n, 10n ** 12n];
    let id = 0;
    let cases = 0;
    for (const state of states) {
      for (const amount of amounts) {
        const inputs: InvoiceStatusInputs = { state, amount: 10n, dueDate, ...amount };
        for (const eventTime of times) {
          id += 1;
          // The indexer stores the status at the invoice's last event.
          insert.run(id, state, deriveInvoiceStatus(inputs, eventTime), encodeBigint(dueDate));
          for (const now of times.filter((time) => time >= eventTime)) {
            const row = select.get(encodeBigint(now), id) as { status: string };
            expect(row.status, `${state} ${JSON.stringify(amount, (_, v: unknown) => String(v))} event ${eventTime} now ${now}`).to.equal(
              deriveInvoiceStatus(inputs, now),
            );
            cases += 1;
          }
        }
      }
    }
    expect(cases).to.be.greaterThan(300);
    db.close();
  });
});
