/** The product's name, used in the navbar, page titles and the sign-in page. */
export const APP_NAME = "Recall";
