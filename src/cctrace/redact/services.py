"""Names of services whose keys public secret scanners look for (from gitleaks' and
trufflehog's rule and detector names, lower-cased, without `-api-key`-style suffixes;
names that are ordinary words, like `box` or `square`, left out). A random-looking token
next to one of these names is a key even without an assignment (`detectors/service_context`).
"""

from __future__ import annotations

SERVICES: frozenset[str] = frozenset(
    """
    1password abuseipdb abyssale accuweather adafruit adafruitio adobe adobeio
    adzuna aeroworkflow agora airbrake airship airtable airtablepersonnal airvisual
    aiven alchemy alconost alegra aletheiaapi algolia alibaba alienvault aliyun
    allsports amadeus ambee amplitude anthropic anypoint apacta api2cart apideck
    apiflash apifonica apify apilayer apimatic apimetrics apitemplate apollo appcues
    appfollow appointedd appsynergy apptivo artifactory artsy asana assemblyai atera
    atlassian atlassiandatacenter audd auth0 authress autodesk autoklose autopilot avaza
    aviationstack awsamazonbedrock axonaut aylien ayrshare azuread
    azureapimanagement azureapimanagementsubscription azureappconfigconnectionstring
    azurebatch azurecontainerregistry azurecosmosdb azuredevops azuredirectmanagement
    azureentra azurefunction azureopenai azuresas azuresearch azurestorage bannerbear
    baremetrics beamer beebole besnappy besttime betterstack billomat bitbar bitbucket
    bitcoinaverage bitfinex bitly bitmex bittrex blazemeter blitapp blocknative blogger
    bombbomb boostnote borgbase braintree braintrust brandfetch browserstack browshot
    bscscan buddyns budibase bugherd bugsnag buildkite bulbul buttercms
    calendarific calendly calorieninja campayn cannyio capsule captaindata
    carboninterface cashboard caspio censys centralstation chartmogul chatfule checklyhq
    checkvist cicero circleci ciscomeraki clarifai clearbit clickhelp clickhouse
    clicksend clickup cliengo clientary clinchpad clockify clockwork clojars
    cloudant cloudconvert cloudelements cloudflare cloudflareca cloudflareglobal
    cloudflareoriginca cloudimage cloudinary cloudmersive cloudplan cloudsmith cloze
    clustdoc codacy codeclimate codecov codemagic codequiry cohere coinapi coinbase
    coinlayer coinlib commercejs companyhub confluent contentful contentfuldelivery
    conversiontools convertapi convertkit convier couchbase countrylayer coveralls
    craftmypdf crowdin cryptocompare currencycloud currencyfreaks currencylayer
    currencyscoop currentsapi customerguru customerio d7network dailyco dandelion
    dareboost databox databricks datadog datagov debounce deepai deepgram deepseek
    definednetworking demio detectify detectlanguage diffbot diggernaut digitalocean
    discord disqus dnscheck dockerhub docparser documo docusign doppler dotdigital
    dronahq droneci dropbox duffel duply dwolla dynalist dynatrace dyspatch
    eagleeyenetworks easyinsight easypost ecostruxureit edamam edenai eightxeight
    elasticemail elevenlabs enablex endorlabs etherscan ethplorer etsy eventbrite
    everhour exchangerateapi exchangeratesapi exportsdk extractorapi facebook
    facebookpage faceplusplus fastforex fastly feedier fetchrss fibery figma fileio
    finage financialmodelingprep finicity finnhub firebase fixerio fleetbase flexport
    flickr flightapi flightlabs flightstats flowflu flutterwave flyio fmfw formbucket
    formcraft formio formsite foursquare frameio freemius freshbooks freshdesk fullstory
    fxmarket gcpapplicationdefaultcredentials geckoboard gengo geoapify geocode
    geocodify geocodio geoipifi getgeoapi getgist getresponse getsandbox
    githubapp githubfinegrained gitlabcicdjob gitlabfeatureflag
    gitlabincomingmail gitlabkubernetesagent gitlabptt gitlabscim gitter glassnode
    gocanvas gocardless godaddy goodday googlegemini grafana
    grafanaserviceaccount graphcms graphhopper groovehq groq gtmetrix guardianapi
    gumroad gyazo harness hashicorp hashicorptf hashicorpvault hashicorpvaultauth hasura
    hellosign helpcrunch helpscout hereapi heroku hiveage holidayapi honeycomb html2pdf
    hubspot huggingface hybiscus hypertrack ibmcloud ibmcoshmac iconfinder iexapis
    iexcloud imagekit imagga infracost infura insightly instabot instamojo intercom
    interseller intra42 intrinio invoiceocean ip2location ipapi ipgeolocation ipinfo
    ipinfodb ipquality ipstack jfrog jira jotform jumpcloud jupiterone juro jwtbase64
    kanbantool keenio kickbox klipfolio knapsackpro kontent kraken kucoin kylas
    langfuse langsmith languagelayer larksuite launchdarkly leadfeeder lemlist
    lemonsqueezy lendflow lessannoying linearapi linemessaging linenotify linkedin
    linkpreview liveagent livestorm loadmill locationiq loggly loginradius logzio
    lokalise looker loyverse luno madkudu magicbell mailboxlayer mailchimp mailerlite
    mailgun mailjet mailmodo mailsac mandrill mapbox mapquest marketstack mattermost
    mavenlink maxmindlicense meaningcloud mediastack meistertask meraki mesibo
    messagebird metaapi metabase metrilo microsoftteams mindmeister miro mixmax mixpanel
    mockaroo mongodb monkeylearn moonclerk moosend moralis mrticktock myfreshworks
    myintervals nasdaqdatalink nethunt netlify netsuite neutrinoapi newrelic
    newrelicbrowser newrelicinsert newrelicinsights newrelicmobileapp newrelicpersonal
    newsapi newscatcher nexmo nftport ngrok nicereply nightfall noticeable nozbeteams
    npmtoken nuget numverify nutritionix nvapi nylas nytimes oanda octopusdeploy okta
    omnisend onedesk onelogin onepage onesignal onfleet oopspam openai openaiadmin
    opencagedata openrouter openshift openuv openvpn openweather opsgenie optimizely
    overloop owlbot packagecloud pagarme pagerduty pandadoc pandascore paperform
    papertrail paralleldots parsehub partnerstack pastebin paydirtapp paymoapp paymongo
    paypal paystack pdflayer pdfshift peopledatalabs pepipost perplexity pganalyzeread
    photoroom phrase pinata pinecone pipedream pipedrive pivotaltracker pixabay plaid
    planetscale planetscaledb planviewleankit planyo plivo podio pollsapi poloniex
    portainer positionstack postageapp posthog postman postmark powrbot prefect prodpad
    prospect protocolsio proxycrawl pubnubpublish pubnubsubscription pulumi purestake
    pushbullet pusherchannel pypi pypiupload qase qualaroo qubole rabbitmq railwayapp
    rapidapi raygun razorpay reachmail readme reallysimplesystems rebrandly recharge
    redhatpyxis refiner rentman replicate replyio requestfinance restpackhtmltopdfapi
    restpackscreenshotapi revamp ringcentral ritekit roaring robinhoodcrypto rocketreach
    rollbar rootly route4me rownd rubygems runrunit saladcloud salesblink salescookie
    salesflare salesforce salesmate satismeter saucelabs scaleway scalingo scalr
    scrapeowl scraperapi scraperbox scrapestack scrapfly scrapingant scrapingbee
    screenshotapi screenshotlayer scrutinizerci securitytrails selectpdf
    sendbird sendbirdorganizationapi sendgrid sendinblue sentry serphouse serpstack
    settlemint sheety sherpadesk shipday shippo shodan shopify shopifycustom
    shopifyshared shotstack shutterstock sidekiq signalwire signaturit signupgenius
    simfin simplesat simplynoted sinchmessage sirv siteleaf skrappio skybiometry slack
    smartsheets smartystreets smooch snipcart snowflake snyk softlayer
    solarwindsobservability sonarcloud sourcegraph sourcegraphcody sparkpost
    spectralops speechtextai splunk splunkobservability spoonacular sportsmonk spotify
    squareapp squarespace sslmate statuscake statuspage statuspal stitchdata stockdata
    stormboard stormglass storyblok storychief strava stripe stripepaymentintent stripo
    stytch sugester sumologic supabase supernotesapi surveyanyplace surveybot
    surveysparrow survicate swiftype tailscale tallyfy tatumio taxjar teamgate teamwork
    teamworkdesk teamworkspaces technicalanalysisapi tefter telegram telnyx tencent
    terraformcloud testingbot textmagic theoddsapi thinkific thousandeyes ticketmaster
    tickettailor tiingo timecamp timezoneapi tmetric todoist toggltrack tokeet
    tomtom tradier transferwise travelpayouts travisci trello trufflehog twelvedata
    twilio twitch twitter twitterbearer twitterconsumer tyntec typeform typetalk ubidots
    unifyid unsplash upcdatabase uplead uploadcare uptimerobot urlscan userflow
    userstack vagrantcloud vatlayer vaultbatch vbout vercel verimail veriphone
    versioneye viewneo virustotal visualcrossing voicegain vpnapi vultr walkscore
    weatherbit weatherstack web3storage webex webexbot webflow webscraper webscraping
    websitepulse weightsandbiases wepay whoxy wistia worksnaps workstack worldcoinindex
    worldweather wrike yandex yandexaws yelp youneedabudget yousign youtube zapier
    zendesk zendeskapi zenkitapi zenrows zenscrape zenserp zeplin zerobounce zerotier
    zipbooks zipcodeapi zipcodebase zoho zonkafeedback zulipchat
    """.split()
)
