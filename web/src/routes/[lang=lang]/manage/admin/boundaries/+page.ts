// The boundary upload reads nothing up front; the layout's log-in applies.
export const load = () => ({});
