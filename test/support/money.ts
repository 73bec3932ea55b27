/** An amount in euro cents, the currency every test program uses. */
export const eur = (value: number) => ({ value, currency: 'EUR' });
