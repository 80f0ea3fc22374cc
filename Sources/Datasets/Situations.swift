/// The settings of generated word problems. Each has its units, at least two start sentences,
/// at least two phrasings per operation and at least two closing questions. A phrasing states
/// only its own operand (`{N}`), never a running total, so no intermediate result is given away.
struct Situation: Sendable {
    var name: String
    var units: [Unit]
    var starts: [String]
    var add: [String]
    var subtract: [String]
    var multiply: [String]
    var divide: [String]
    var questions: [String]

    func phrasings(for operation: ChainOperation) -> [String] {
        switch operation {
        case .add: add
        case .subtract: subtract
        case .multiply: multiply
        case .divide: divide
        }
    }

    private static func units(_ pairs: [(String, String)]) -> [Unit] {
        pairs.map { Unit(singular: $0.0, plural: $0.1) }
    }

    static let all: [Situation] = [
        Situation(
            name: "shopping",
            units: units([("apple", "apples"), ("pencil", "pencils"), ("sticker", "stickers"),
                          ("marble", "marbles"), ("candle", "candles"), ("notebook", "notebooks")]),
            starts: ["{name} has {N} {items}.", "{name} buys {N} {items} at the market.",
                     "At the store, {name} picks up {N} {items}."],
            add: ["{He} buys another {N} {items}.", "A friend gives {him} {N} {items}.",
                  "{He} finds {N} {items} in a drawer."],
            subtract: ["{He} gives {N} {items} to a neighbor.", "{He} loses {N} {items} on the way home.",
                       "{He} returns {N} {items} to the shop."],
            multiply: ["{He} then buys enough to have {N} times as many {items}.",
                       "A sale lets {him} multiply {his} {items} by {N}."],
            divide: ["{He} splits the {items} into {N} equal piles and keeps only one pile.",
                     "{He} divides them evenly into {N} bags and keeps one bag."],
            questions: ["How many {items} does {name} have now?", "How many {items} does {name} end up with?"]),
        Situation(
            name: "baking",
            units: units([("cookie", "cookies"), ("muffin", "muffins"), ("cupcake", "cupcakes"),
                          ("bread roll", "bread rolls"), ("pie", "pies")]),
            starts: ["{name} bakes {N} {items} for a fair.", "{name}'s bakery starts the day with {N} {items}."],
            add: ["{He} bakes {N} more {items}.", "A neighbor brings over {N} {items}.",
                  "{He} bakes another batch of {N} {items}."],
            subtract: ["{He} sells {N} {items} in the morning.", "{He} throws away {N} burnt {items}.",
                       "Customers buy {N} {items}."],
            multiply: ["A big order comes in, so {he} makes {N} times as many {items}.",
                       "{He} scales up the recipe until there are {N} times as many {items}."],
            divide: ["{He} packs the {items} into {N} equal boxes and gives away all but one box.",
                     "The {items} are shared equally by {N} stalls, and {his} stall keeps one share."],
            questions: ["How many {items} does {name} have now?", "How many {items} are left at the end?"]),
        Situation(
            name: "travel",
            units: units([("kilometer", "kilometers"), ("mile", "miles")]),
            starts: ["{name} plans a road trip of {N} {items}.", "{name}'s train journey is {N} {items} long."],
            add: ["{He} adds a detour of {N} {items}.", "A visit to a friend adds {N} {items} to the route."],
            subtract: ["{He} finds a shortcut that saves {N} {items}.",
                       "{He} drops one stop, cutting {N} {items} from the route."],
            multiply: ["{He} decides to travel the whole route {N} times.",
                       "{He} switches to a route that is {N} times as long."],
            divide: ["{He} divides the route into {N} equal legs and keeps only the first leg.",
                     "{He} shortens the plan to one of {N} equal parts of the route."],
            questions: ["How many {items} long is the trip now?", "How many {items} will {name} travel?"]),
        Situation(
            name: "farm",
            units: units([("chicken", "chickens"), ("sheep", "sheep"), ("goat", "goats"), ("duck", "ducks"),
                          ("cow", "cows"), ("rabbit", "rabbits")]),
            starts: ["{name} keeps {N} {items} on a farm.", "{name}'s farm has {N} {items}."],
            add: ["{He} buys {N} {items} at the fair.", "In spring, {he} welcomes {N} newborn {items}."],
            subtract: ["{He} sells {N} {items} to a neighbor.", "{He} gives {N} {items} to {his} cousin."],
            multiply: ["After a good year, {he} has {N} times as many {items}.",
                       "{He} expands the farm so it holds {N} times as many {items}."],
            divide: ["{He} divides the {items} into {N} equal groups and keeps just one group.",
                     "{He} sends the {items} to {N} farms in equal groups and keeps one group."],
            questions: ["How many {items} does {name} have now?", "How many {items} are on the farm now?"]),
        Situation(
            name: "library",
            units: units([("book", "books"), ("magazine", "magazines"), ("comic", "comics"), ("novel", "novels")]),
            starts: ["The library where {name} works has {N} {items} on one shelf.",
                     "{name} counts {N} {items} on the returns cart."],
            add: ["{He} adds {N} donated {items}.", "Readers return {N} {items}."],
            subtract: ["Visitors borrow {N} {items}.", "{He} removes {N} damaged {items}."],
            multiply: ["A new shipment leaves {him} with {N} times as many {items}.",
                       "The shelf is restocked until it holds {N} times as many {items}."],
            divide: ["{He} spreads the {items} evenly over {N} shelves and counts one shelf.",
                     "The {items} are shared equally among {N} branches, and {his} branch keeps one share."],
            questions: ["How many {items} does {name} count now?", "How many {items} are in {name}'s care now?"]),
        Situation(
            name: "passengers",
            units: units([("passenger", "passengers"), ("rider", "riders"), ("traveler", "travelers")]),
            starts: ["A bus driven by {name} leaves the depot with {N} {items}.",
                     "{name}'s train starts its route with {N} {items} on board."],
            add: ["At the next stop, {he} picks up {N} {items}.", "{He} lets {N} more {items} board."],
            subtract: ["{He} drops off {N} {items} at the station.", "At the park, {he} lets off {N} {items}."],
            multiply: ["At the stadium, so many board that {he} has {N} times as many {items}.",
                       "During rush hour the number of {items} grows to {N} times what it was."],
            divide: ["{He} splits the {items} evenly among {N} buses and keeps one group.",
                     "Only one out of every {N} {items} stays on for the last stretch."],
            questions: ["How many {items} are on board now?", "How many {items} does {name} have at the end?"]),
        Situation(
            name: "money",
            units: units([("dollar", "dollars"), ("euro", "euros"), ("coin", "coins"), ("token", "tokens")]),
            starts: ["{name} has {N} {items} saved.", "{name} opens a piggy bank and finds {N} {items}."],
            add: ["{He} earns {N} {items} mowing lawns.", "{His} aunt gives {him} {N} {items}."],
            subtract: ["{He} spends {N} {items} on lunch.", "{He} pays {N} {items} for a ticket."],
            multiply: ["A lucky bet makes {his} savings {N} times as large.",
                       "An investment multiplies {his} money by {N}."],
            divide: ["{He} splits the money equally with friends into {N} parts and keeps one part.",
                     "{He} divides {his} savings into {N} equal envelopes and keeps one."],
            questions: ["How many {items} does {name} have left?", "How many {items} does {name} have now?"]),
        Situation(
            name: "liquid",
            units: units([("liter", "liters"), ("cup", "cups"), ("gallon", "gallons")]),
            starts: ["A tank at {name}'s house holds {N} {items} of water.",
                     "{name} fills a barrel with {N} {items} of rainwater."],
            add: ["{He} pours in {N} more {items}.", "A storm adds {N} {items} of water."],
            subtract: ["{He} uses {N} {items} to water the plants.", "{He} drains {N} {items}."],
            multiply: ["{He} connects more barrels, and now there is {N} times as much water.",
                       "A second pump runs until the amount of water is {N} times as large."],
            divide: ["{He} splits the water equally into {N} jugs and keeps one jug.",
                     "{He} pours the water evenly into {N} buckets and keeps only one bucket."],
            questions: ["How many {items} of water does {name} have now?", "How many {items} of water are left?"]),
        Situation(
            name: "collection drive",
            units: units([("can", "cans"), ("blanket", "blankets"), ("coat", "coats"), ("toy", "toys")]),
            starts: ["{name}'s class collects {N} {items} for a charity drive.",
                     "On the first day of the drive, {name} gathers {N} {items}."],
            add: ["{He} collects {N} more {items} from neighbors.", "A local shop donates {N} {items}."],
            subtract: ["{He} sends {N} {items} to a shelter.", "{He} gives {N} {items} to a family in need."],
            multiply: ["A matching sponsor makes the total {N} times as large.",
                       "After a school-wide call, {he} has {N} times as many {items}."],
            divide: ["{He} splits the {items} equally among {N} shelters and delivers one share.",
                     "The {items} are divided equally into {N} boxes, and {he} carries one box."],
            questions: ["How many {items} does {name} have now?", "How many {items} does {name} end up with?"]),
        Situation(
            name: "game score",
            units: units([("point", "points"), ("star", "stars"), ("gem", "gems")]),
            starts: ["{name} starts a video game level with {N} {items}.",
                     "{name} has {N} {items} after the first round."],
            add: ["{He} wins {N} {items} in a bonus round.", "{He} scores {N} {items}."],
            subtract: ["{He} loses {N} {items} for a penalty.", "A trap costs {him} {N} {items}."],
            multiply: ["A power-up multiplies {his} {items} by {N}.",
                       "{He} hits a combo that makes {his} total {N} times as big."],
            divide: ["A penalty splits {his} {items} into {N} equal parts, and {he} keeps one part.",
                     "{He} shares {his} {items} equally in {N} shares and keeps one share."],
            questions: ["How many {items} does {name} have now?", "What is {name}'s score in {items} now?"]),
        Situation(
            name: "garden",
            units: units([("tulip", "tulips"), ("tomato plant", "tomato plants"), ("sunflower", "sunflowers"),
                          ("carrot", "carrots")]),
            starts: ["{name} plants {N} {items} in {his} garden.", "{name}'s garden has {N} {items}."],
            add: ["{He} plants {N} more {items}.", "A neighbor gives {him} {N} {items} to plant."],
            subtract: ["Rabbits eat {N} {items}.", "{He} picks {N} {items} for a friend."],
            multiply: ["By summer {he} has {N} times as many {items}.",
                       "{He} expands the garden to hold {N} times as many {items}."],
            divide: ["{He} divides the {items} into {N} equal beds and keeps one bed.",
                     "{He} shares the {items} equally among {N} neighbors and keeps one share."],
            questions: ["How many {items} does {name} have now?", "How many {items} are in {name}'s garden now?"]),
        Situation(
            name: "training distance",
            units: units([("kilometer", "kilometers"), ("mile", "miles"), ("lap", "laps")]),
            starts: ["{name} plans to run {N} {items} this week.", "{name}'s coach sets a goal of {N} {items}."],
            add: ["{He} adds {N} {items} to the plan.", "The coach asks for {N} extra {items}."],
            subtract: ["A sore knee makes {him} cut {N} {items}.", "Rain cancels {N} {items} of the plan."],
            multiply: ["Before a race {he} makes the plan {N} times as long.",
                       "The coach multiplies the goal by {N}."],
            divide: ["{He} spreads the {items} evenly over {N} days and counts one day.",
                     "{He} splits the plan into {N} equal parts and does only one part."],
            questions: ["How many {items} are in {name}'s plan now?", "How many {items} does {name} run?"]),
        Situation(
            name: "office mail",
            units: units([("letter", "letters"), ("package", "packages"), ("parcel", "parcels"),
                          ("postcard", "postcards")]),
            starts: ["{name} has {N} {items} to sort at the office.",
                     "The morning delivery brings {name} {N} {items}."],
            add: ["Another delivery brings {N} {items}.", "{He} finds {N} more {items} in the back room."],
            subtract: ["{He} hands out {N} {items}.", "{He} sends {N} {items} back to the sender."],
            multiply: ["The holiday season makes the pile {N} times as large.",
                       "By noon {he} has {N} times as many {items}."],
            divide: ["{He} divides the {items} evenly into {N} bins and takes one bin.",
                     "The {items} are split equally among {N} coworkers, and {he} keeps one share."],
            questions: ["How many {items} does {name} have now?", "How many {items} are on {name}'s desk now?"]),
        Situation(
            name: "warehouse",
            units: units([("box", "boxes"), ("crate", "crates"), ("pallet", "pallets"), ("barrel", "barrels")]),
            starts: ["{name}'s warehouse stores {N} {items}.", "{name} counts {N} {items} in the storeroom."],
            add: ["A truck delivers {N} {items}.", "{He} orders {N} more {items}."],
            subtract: ["{He} ships {N} {items} to a customer.", "{He} loads {N} {items} onto a truck."],
            multiply: ["A big order makes {his} stock {N} times as large.",
                       "{He} fills a new wing, so there are {N} times as many {items}."],
            divide: ["{He} splits the {items} equally between {N} stores and keeps one share.",
                     "{He} moves the {items} evenly into {N} rooms and counts one room."],
            questions: ["How many {items} does {name} have now?", "How many {items} are in stock now?"]),
    ]
}
