/** Labels of reporting quality's codes, in the page's language. */

import { m } from '$lib/messages';

export function stateLabel(state: string): string {
	switch (state) {
		case 'OVERDUE':
			return m.q_state_OVERDUE();
		case 'ON_TIME':
			return m.q_state_ON_TIME();
		case 'LATE':
			return m.q_state_LATE();
		default:
			return m.q_state_DUE();
	}
}

export const figuresLabel = (f: string) => (f === 'INDICATOR_VALUES' ? m.q_figures_INDICATOR_VALUES() : m.q_figures_SERVICE_COUNTS());

export function kindLabel(kind: string): string {
	switch (kind) {
		case 'RANGE':
			return m.q_kind_RANGE();
		case 'COMPARE':
			return m.q_kind_COMPARE();
		case 'MEDIAN_MULTIPLE':
			return m.q_kind_MEDIAN_MULTIPLE();
		default:
			return m.q_kind_REQUIRED_BREAKDOWN();
	}
}

export const severityLabel = (s: string) => (s === 'ERROR' ? m.q_severity_ERROR() : m.q_severity_WARNING());

export function dimensionLabel(d: string): string {
	switch (d) {
		case 'AGE_BAND':
			return m.q_dim_AGE_BAND();
		case 'DISABILITY':
			return m.q_dim_DISABILITY();
		case 'CATEGORY':
			return m.q_dim_CATEGORY();
		default:
			return m.q_dim_SEX();
	}
}
