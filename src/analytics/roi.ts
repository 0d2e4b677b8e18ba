import { Decimal } from "decimal.js";

export interface ChannelInputs {
  spend: string;
  leads: number;
  calls: number;
  buyers: number;
  revenue: string;
}

export interface ChannelMetrics {
  averageCheck: string | null;
  profit: string;
  /** Profit / spend as a percentage, 2 decimals; null without spend. */
  roiPercent: string | null;
  costPerLead: string | null;
  costPerCall: string | null;
  costPerBuyer: string | null;
}

const money = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
const per = (spend: Decimal, n: number) => (n > 0 ? money(spend.div(n)) : null);

/** Marketing economics of one channel and period, in exact decimals (seed: 90,000 spend, 12 buyers → ROI 20%). */
export function channelMetrics(input: ChannelInputs): ChannelMetrics {
  const spend = new Decimal(input.spend);
  const revenue = new Decimal(input.revenue);
  const profit = revenue.minus(spend);
  return {
    averageCheck: input.buyers > 0 ? money(revenue.div(input.buyers)) : null,
    profit: money(profit),
    roiPercent: spend.isZero() ? null : money(profit.div(spend).times(100)),
    costPerLead: per(spend, input.leads),
    costPerCall: per(spend, input.calls),
    costPerBuyer: per(spend, input.buyers),
  };
}
