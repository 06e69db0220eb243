// The first version of the vendors' data-use terms, in force from the start (seed 000: buyer data
// may be used only to fill the order and to support the buyer). The owner publishes later versions
// from the staff console (/staff/vendors/terms).
export const FIRST_TERMS = `When a buyer orders one of your products, this shop shares with you the buyer's name, address, phone number and email address for that order, and nothing else. You never receive card or bank details.

You may use these details only:
- to fill the order (deliver the product, issue the licence, ship the goods), and
- to give the buyer support for the product they bought (technical help, questions about the order).

You may not:
- use them for any other purpose, such as marketing, newsletters, surveys or mailing lists;
- share them with, sell them to or let them be used by anyone else;
- keep them longer than filling the order and supporting the buyer needs.

Keep the details as safe as this shop does: only the people who fill the order or support the buyer may see them, and an export you download is kept secure and deleted when it is no longer needed.

Every time you view an order's buyer details or export them, this shop records it: which order, which fields, when and for which vendor. The buyer can see that their details were shared with you.

A vendor that uses buyer data for anything else is suspended at once and its account with this shop is terminated.`;
