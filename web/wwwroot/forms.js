// Plain forms post once: after the first submit of a form its buttons are disabled until the answer replaces the page,
// so a double click (or an impatient second click) does not post the action twice. A form the page handles itself (an
// interactive page's, whose submit is prevented) stays usable. A page shown again from the browser's back-forward
// cache gets its buttons back. Loaded from this origin: the Content-Security-Policy allows no inline script.
(() => {
    if (window.estoreFormsOnce) {
        return;
    }
    window.estoreFormsOnce = true;
    const submitButtons = form => form.querySelectorAll('button[type=submit], input[type=submit]');

    document.addEventListener('submit', event => {
        const form = event.target;
        if (!(form instanceof HTMLFormElement) || form.method !== 'post') {
            return;
        }
        if (form.dataset.posting) {
            event.preventDefault();
            return;
        }
        form.dataset.posting = 'true';
        // Once every listener has run (and the browser has taken the form's data; the buttons carry none).
        setTimeout(() => {
            if (event.defaultPrevented) {
                delete form.dataset.posting;
                return;
            }
            submitButtons(form).forEach(button => { button.disabled = true; });
        }, 0);
    });

    window.addEventListener('pageshow', event => {
        if (event.persisted) {
            document.querySelectorAll('form[data-posting]').forEach(form => {
                delete form.dataset.posting;
                submitButtons(form).forEach(button => { button.disabled = false; });
            });
        }
    });
})();
