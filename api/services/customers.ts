import type { AppDb } from "../db";
import type { CustomersTable } from "../db/types";
import type { CustomerDetails } from "../lib/legal-schemas";

/** A saved customer as the API shows it. */
export function customerJson(row: CustomersTable) {
  return {
    id: row.id,
    ...(JSON.parse(row.details) as CustomerDetails),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** `merchant`'s saved customer `id`, or undefined (another merchant's customer is undefined too). */
export async function findCustomer(db: AppDb, merchant: string, id: string): Promise<CustomersTable | undefined> {
  return db.selectFrom("customers").selectAll().where("id", "=", id).where("merchant", "=", merchant).executeTakeFirst();
}
