import { expect } from "chai";
import pino from "pino";
import { type AppDb, migrateToLatest } from "../../api/db";
import { enqueueDue, lowerEnqueueMarks } from "../../api/jobs/webhooks/enqueue";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { describeBackends, openFreshAppDb } from "../helpers/app-db";

const MERCHANT = "0x0000000000000000000000000000000000000001";
const silent = pino({ level: "silent" });

// The webhook outbox's enqueue step on a network after the first: its own mark per endpoint, on both app databases.
describeBackends("webhook enqueue marks per chain", function (backend) {
  let db: AppDb;
  let drop: () => Promise<void>;
  /** The (endpoint, event) pairs enqueued, in order. */
  let enqueued: string[];
  const insert = async (_trx: AppDb, endpointId: string, eventId: string) => {
    enqueued.push(`${endpointId} ${eventId}`);
  };

  /** Records event `log` of chain `chainId` at `block`, as the outbox's scan does. */
  const record = (chainId: number, log: string, block: number) =>
    db
      .insertInto("webhook_events")
      .values({
        id: `evt_${chainId}_${log}`,
        source_id: `${chainId}:${log}`,
        type: "invoice.paid",
        merchant: MERCHANT,
        invoice_id: "1",
        block_number: block,
        log_index: 0,
        data: JSON.stringify({ createdAt: "2026-01-01T00:00:00.000Z" }),
        observed_at: 2000,
        removed_at: null,
      })
      .execute();
  const marks = async () => ({
    first: Number((await db.selectFrom("webhook_endpoints").select("enqueued_through").executeTakeFirstOrThrow()).enqueued_through),
    second: (await db.selectFrom("webhook_chain_marks").selectAll().execute()).map((m) => [m.chain_id, Number(m.enqueued_through)]),
  });

  beforeEach(async function () {
    ({ db, drop } = await openFreshAppDb(backend));
    await migrateToLatest(db);
    await db.insertInto("users").values({ address: MERCHANT, created_at: 1, updated_at: 1 }).execute();
    await db
      .insertInto("webhook_endpoints")
      .values({
        id: "whe_1",
        owner: MERCHANT,
        url: "http://localhost:1/hook",
        events: '["*"]',
        secret: "s",
        confirmations: 1,
        from_block: 100,
        enqueued_through: 100,
        created_at: 1000,
        deleted_at: null,
      })
      .execute();
    enqueued = [];
  });
  afterEach(async function () {
    await drop();
  });

  it("moves the second chain's own mark, reads only past it, and leaves the first chain's mark alone", async function () {
    await record(LOCAL_CHAIN_ID_2, "a", 40);
    expect(await enqueueDue(db, LOCAL_CHAIN_ID_2, 50n, false, insert, silent)).to.equal(1);
    expect(await marks()).to.deep.equal({ first: 100, second: [[LOCAL_CHAIN_ID_2, 50]] });

    // An event at or below the mark was considered already: the next round does not read it again.
    await record(LOCAL_CHAIN_ID_2, "b", 45);
    await record(LOCAL_CHAIN_ID_2, "c", 52);
    expect(await enqueueDue(db, LOCAL_CHAIN_ID_2, 60n, false, insert, silent)).to.equal(1);
    expect(enqueued).to.deep.equal([`whe_1 evt_${LOCAL_CHAIN_ID_2}_a`, `whe_1 evt_${LOCAL_CHAIN_ID_2}_c`]);
    expect((await marks()).second).to.deep.equal([[LOCAL_CHAIN_ID_2, 60]]);
  });

  it("lowers only the late event's chain's mark, so that chain alone looks at its block again", async function () {
    await enqueueDue(db, LOCAL_CHAIN_ID_2, 50n, false, insert, silent);
    await record(LOCAL_CHAIN_ID_2, "late", 45);
    await lowerEnqueueMarks(db, LOCAL_CHAIN_ID_2, false, MERCHANT, 45);
    expect(await marks()).to.deep.equal({ first: 100, second: [[LOCAL_CHAIN_ID_2, 44]] });
    expect(await enqueueDue(db, LOCAL_CHAIN_ID_2, 50n, false, insert, silent)).to.equal(1);
    expect((await marks()).second).to.deep.equal([[LOCAL_CHAIN_ID_2, 50]]);

    await record(LOCAL_CHAIN_ID, "first-late", 90);
    await lowerEnqueueMarks(db, LOCAL_CHAIN_ID, true, MERCHANT, 90);
    expect(await marks()).to.deep.equal({ first: 89, second: [[LOCAL_CHAIN_ID_2, 50]] });
  });
});
